// The SPA's initial JavaScript, gzipped, read from web/dist when it has been built.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { serverRoot } from '../src/paths';
import type { Bench } from './context';
import { fmt } from './report';

export async function measureSpa(b: Bench): Promise<void> {
  const dist = join(serverRoot(), '..', 'web', 'dist');
  const index = join(dist, 'index.html');
  let value = 'not built';
  if (existsSync(index)) {
    const html = readFileSync(index, 'utf8');
    // What the page loads before it runs: its module script and modulepreloads.
    const linked = [...html.matchAll(/(?:src|href)="\/?(assets\/[^"]+\.js)"/g)].map(
      (m) => m[1] ?? '',
    );
    const files = linked.length
      ? linked
      : readdirSync(join(dist, 'assets'))
          .filter((f) => f.endsWith('.js'))
          .map((f) => `assets/${f}`);
    const bytes = files.reduce((n, f) => n + gzipSync(readFileSync(join(dist, f))).length, 0);
    value = `${fmt(bytes / 1024, ' KB')} (${files.length} file(s))`;
    b.raw.spa = { files, gzippedBytes: bytes };
  }
  b.progress(`SPA initial JS gzipped: ${value}`);
  b.rows.push({
    what: 'SPA initial JS, gzipped',
    parley: value,
    baseline: '—',
    ratio: '—',
    target: '< 120 KB',
  });
  b.notes.push('Time from navigation to the painted session list is not measured by this bench.');
}
