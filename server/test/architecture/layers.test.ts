// The layering rule of server/ARCHITECTURE.md, held by a test: the domain folders
// (chat/, auth/, realtime/) and the general utilities (lib/) never import the
// transport (trpc/, http/), so procedures, REST routes and scripts share one
// domain, and a tRPC Context never reaches it. The domain refuses with its own
// error (lib/refusal.ts); of tRPC it uses only the envelope of tracked stream events.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serverRoot } from '../../src/paths';

const src = join(serverRoot(), 'src');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesUnder(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

/** Every module a file imports (static and dynamic), as written. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found = [...text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)];
  return found.map((m) => m[1] ?? '');
}

/** tRPC's names for a tracked stream event, which the domain's streams yield. */
const streamEnvelope = new Set(['tracked', 'TrackedEnvelope']);

/** The names a file imports from @trpc/server. */
function trpcNamesOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const lists = [
    ...text.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s*from\s*['"]@trpc\/server['"]/g),
  ];
  const names = lists.flatMap((m) => (m[1] ?? '').split(','));
  const whole = /import\s+(?:type\s+)?\*\s+as\s+\w+\s+from\s*['"]@trpc\/server['"]/.test(text);
  return [
    ...names
      .map(
        (n) =>
          n
            .trim()
            .replace(/^type\s+/, '')
            .split(/\s+as\s+/)[0] ?? '',
      )
      .filter(Boolean),
    ...(whole ? ['*'] : []),
  ];
}

describe('layers', () => {
  const domain = ['chat', 'auth', 'realtime', 'assistant', 'portability', 'search', 'lib', 'db'];

  it.each(domain)(
    '%s/ imports neither trpc/ nor http/, nor tRPC itself beyond its tracked events',
    (folder) => {
      const offences: string[] = [];
      for (const file of filesUnder(join(src, folder))) {
        const rel = relative(src, file);
        for (const spec of importsOf(file)) {
          // tRPC's own subpaths (its adapters, its internals) are transport through and through.
          if (/^@trpc\/./.test(spec) && spec !== '@trpc/server') {
            offences.push(`${rel} imports ${spec}`);
          } else if (/(^|\/)(trpc|http)(\/|$)/.test(spec.replace(/^@trpc\/server$/, ''))) {
            offences.push(`${rel} imports ${spec}`);
          }
        }
        if (/\bContext\b/.test(readFileSync(file, 'utf8').replace(/\/\/.*$/gm, ''))) {
          offences.push(`${rel} names a Context`);
        }
        for (const name of trpcNamesOf(file)) {
          if (!streamEnvelope.has(name)) offences.push(`${rel} takes ${name} from @trpc/server`);
        }
      }
      expect(offences).toEqual([]);
    },
  );

  it('trpc/ does not import http/: the edge builds the context and hands it in', () => {
    const offences = filesUnder(join(src, 'trpc')).flatMap((file) =>
      importsOf(file)
        .filter((spec) => /(^|\/)http(\/|$)/.test(spec))
        .map((spec) => `${relative(src, file)} imports ${spec}`),
    );
    expect(offences).toEqual([]);
  });

  it('finds an offence when there is one', () => {
    // The check itself: http/ imports trpc/, as the edge may.
    const offending = filesUnder(join(src, 'http')).flatMap(importsOf);
    expect(offending.some((spec) => /(^|\/)(trpc|http)(\/|$)/.test(spec))).toBe(true);
  });
});
