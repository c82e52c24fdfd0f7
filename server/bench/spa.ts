// The SPA: its initial JavaScript, gzipped, read from web/dist when it has been built;
// the bytes the server sends for it to a browser that accepts brotli and gzip; and the
// time from navigation to the session list painted, in Debian's headless Chromium; and
// a live message in a long chat against a short one (spaLongChat.ts).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import superjson from 'superjson';
import { serverRoot } from '../src/paths';
import type { Bench } from './context';
import { fmt } from './report';
import { measureLongChat } from './spaLongChat';

export async function measureSpa(b: Bench): Promise<void> {
  const dist = join(serverRoot(), '..', 'web', 'dist');
  const index = join(dist, 'index.html');
  let value = 'not built';
  let wire = 'not built';
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
    const sent = await wireBytes(b.stack.parley.url, files);
    wire = `${fmt(sent.bytes / 1024, ' KB')} (${sent.encodings.join(', ')})`;
    b.raw.spa = { files, gzippedBytes: bytes, wireBytes: sent.bytes, encodings: sent.encodings };
  }
  b.progress(`SPA initial JS gzipped: ${value}; on the wire: ${wire}`);
  b.rows.push({
    what: 'SPA initial JS, gzipped',
    parley: value,
    baseline: '—',
    ratio: '—',
    target: '< 120 KB',
  });
  b.rows.push({
    what: 'SPA initial JS on the wire (Accept-Encoding: br, gzip)',
    parley: wire,
    baseline: '—',
    ratio: '—',
    target: '≤ 110 KB',
  });
  const paint = existsSync(index) ? await measurePaint(b) : 'not built';
  b.progress(`SPA navigation to the session list painted: ${paint}`);
  b.rows.push({
    what: 'SPA: navigation to the session list painted (signed in, 20 chats; p50 of 5 loads)',
    parley: paint,
    baseline: '—',
    ratio: '—',
    target: 'report',
  });
  if (existsSync(index)) await measureLongChat(b);
}

/** What the server sends for `files`, as a browser would ask: body bytes as they arrive. */
async function wireBytes(base: string, files: string[]) {
  let bytes = 0;
  const encodings: string[] = [];
  for (const file of files) {
    const { size, encoding } = await new Promise<{ size: number; encoding: string }>(
      (resolve, reject) => {
        const req = get(
          `${base}/${file}`,
          { headers: { 'accept-encoding': 'br, gzip' } },
          (res) => {
            let size = 0;
            res.on('data', (chunk: Buffer) => {
              size += chunk.length;
            });
            res.on('end', () =>
              resolve({ size, encoding: res.headers['content-encoding'] ?? 'identity' }),
            );
            res.on('error', reject);
          },
        );
        req.on('error', reject);
      },
    );
    bytes += size;
    encodings.push(encoding);
  }
  return { bytes, encodings: [...new Set(encodings)] };
}

export const chromiumPath = '/usr/bin/chromium';

export async function api(base: string, path: string, input: unknown, token?: string) {
  const res = await fetch(`${base}/trpc/${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(superjson.serialize(input)),
  });
  return superjson.deserialize<{ accessToken: string }>(
    ((await res.json()) as { result: { data: Parameters<typeof superjson.deserialize>[0] } }).result
      .data,
  );
}

/** Signs in through the page once, then times fresh loads as a returning person sees them. */
async function measurePaint(b: Bench): Promise<string> {
  if (!existsSync(chromiumPath)) return 'no Chromium';
  const { chromium } = await import('playwright-core');
  const base = b.stack.parley.url;
  const username = `paint_${Date.now().toString(36)}`;
  const password = 'paint password';
  const { accessToken } = await api(base, 'auth.register', {
    username,
    password,
    refreshTransport: 'none',
  });
  for (let i = 1; i <= 20; i++)
    await api(base, 'session.create', { title: `paint ${i}` }, accessToken);
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage();
    const newest = page
      .getByRole('navigation', { name: 'Chats' })
      .getByRole('link', { name: 'paint 20' });
    await page.goto(base);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await newest.waitFor();
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      await page.goto(base);
      await newest.waitFor();
      // Milliseconds since this navigation began, as the page itself counts them.
      times.push(await page.evaluate(() => performance.now()));
    }
    times.sort((x, y) => x - y);
    b.raw.spaPaintMs = times;
    return fmt(times[2] ?? 0, ' ms');
  } finally {
    await browser.close();
  }
}
