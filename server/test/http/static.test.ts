// The built web app over real HTTP: only files inside web/dist, no source maps in
// production, precompressed copies chosen by Accept-Encoding, and cache headers
// that let hashed assets live forever while index.html is always revalidated.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverRoot } from '../../src/paths';
import { serveWeb, type WebServer, wire } from './support/wire';

const script = `const greeting = [${'"a line of the app", '.repeat(200)}];\n`;
const files: Record<string, string> = {
  'index.html': `<!doctype html><html><head><title>Parley</title>${'<meta name="x" content="padding">'.repeat(40)}<script type="module" src="/assets/index-AbCd1234.js"></script></head><body><div id="root"></div></body></html>`,
  'assets/index-AbCd1234.js': `${script}//# sourceMappingURL=index-AbCd1234.js.map\n`,
  'assets/index-AbCd1234.js.map':
    '{"version":3,"sources":["../src/secret-source.ts"],"mappings":""}',
  'assets/index-Xy_9-8Zq.css': `${'.chat { color: red; }\n'.repeat(100)}`,
  'assets/tiny-Qw3rTy12.js': 'export {};\n',
  'assets/logo.svg': `<svg xmlns="http://www.w3.org/2000/svg">${'<rect width="1" height="1"/>'.repeat(60)}</svg>`,
};

let root: string;
let dist: string;
let dev: WebServer;
let production: WebServer;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'parley-static-'));
  dist = join(root, 'dist');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dist, name)), { recursive: true });
    writeFileSync(join(dist, name), text);
  }
  mkdirSync(join(root, 'dist-old'));
  writeFileSync(join(root, 'dist-old', 'secret.txt'), 'the secret of a sibling folder');
  // The build's own compression step, run on the fixture as `npm run build` runs it on web/dist.
  const compress = join(serverRoot(), '..', 'web', 'scripts', 'compress.mjs');
  const run = spawnSync(process.execPath, [compress, dist], { encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  dev = await serveWeb(dist);
  production = await serveWeb(dist, { NODE_ENV: 'production' });
});
afterAll(async () => {
  await dev?.stop();
  await production?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('which files are served', () => {
  it('never serves a sibling folder whose name starts with the web root’s', async () => {
    for (const path of ['/..%2fdist-old%2fsecret.txt', '/%2e%2e%2fdist-old%2fsecret.txt']) {
      const res = await wire(dev.url, path);
      expect(res.status).toBe(404);
      expect(res.body.toString()).not.toContain('secret of a sibling');
    }
  });

  it('answers a malformed percent-encoding or request target with 400, not 500', async () => {
    for (const path of ['/%', '/assets/%E0%A4%A.js', '/c/%zz', '//', 'http://[']) {
      const res = await wire(dev.url, path);
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body.toString())).toEqual({ detail: expect.stringMatching(/path/) });
    }
  });

  it('serves source maps in development and refuses them in production', async () => {
    const path = '/assets/index-AbCd1234.js.map';
    expect((await wire(dev.url, path)).status).toBe(200);
    const res = await wire(production.url, path);
    expect(res.status).toBe(404);
    expect(res.body.toString()).not.toContain('secret-source');
    // The script itself is still served in production.
    expect((await wire(production.url, '/assets/index-AbCd1234.js')).status).toBe(200);
  });
});

describe('compression', () => {
  const js = '/assets/index-AbCd1234.js';
  const original = () => readFileSync(join(dist, js));

  it('sends brotli when the client accepts it, even listed after gzip', async () => {
    const res = await wire(dev.url, js, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['content-length']).toBe(String(res.body.length));
    expect(res.headers.vary).toMatch(/accept-encoding/i);
    expect(res.body.length).toBeLessThan(original().length);
    expect(brotliDecompressSync(res.body).equals(original())).toBe(true);
  });

  it('sends gzip when brotli is not accepted or refused with q=0', async () => {
    for (const accept of ['gzip', 'br;q=0, gzip;q=0.8', 'deflate, gzip;q=1.0']) {
      const res = await wire(dev.url, js, { headers: { 'accept-encoding': accept } });
      expect(res.headers['content-encoding'], accept).toBe('gzip');
      expect(res.headers['content-length']).toBe(String(res.body.length));
      expect(gunzipSync(res.body).equals(original())).toBe(true);
    }
  });

  it('sends the file as it is when the client accepts neither', async () => {
    const choices: Record<string, string>[] = [
      {},
      { 'accept-encoding': 'identity' },
      { 'accept-encoding': 'br;q=0' },
    ];
    for (const headers of choices) {
      const res = await wire(dev.url, js, { headers });
      expect(res.headers['content-encoding']).toBeUndefined();
      expect(res.headers['content-length']).toBe(String(original().length));
      expect(res.body.equals(original())).toBe(true);
      expect(res.headers.vary).toMatch(/accept-encoding/i);
    }
  });

  it('compresses the page, styles and images too, and leaves files under 1 KB alone', async () => {
    const accept = { 'accept-encoding': 'br, gzip' };
    for (const [path, type] of [
      ['/', 'text/html; charset=utf-8'],
      ['/assets/index-Xy_9-8Zq.css', 'text/css; charset=utf-8'],
      ['/assets/logo.svg', 'image/svg+xml'],
    ] as const) {
      const res = await wire(dev.url, path, { headers: accept });
      expect(res.headers['content-encoding'], path).toBe('br');
      expect(res.headers['content-type']).toBe(type);
    }
    const tiny = await wire(dev.url, '/assets/tiny-Qw3rTy12.js', { headers: accept });
    expect(tiny.headers['content-encoding']).toBeUndefined();
    expect(tiny.body.toString()).toBe(files['assets/tiny-Qw3rTy12.js']);
  });

  it('answers HEAD with the headers of the chosen copy and no body', async () => {
    const headers = { 'accept-encoding': 'br' };
    const get = await wire(dev.url, js, { headers });
    const head = await wire(dev.url, js, { method: 'HEAD', headers });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers['content-encoding']).toBe('br');
    expect(head.headers['content-length']).toBe(get.headers['content-length']);
  });
});

describe('caching', () => {
  it('lets hashed assets be cached for a year, unchanged', async () => {
    for (const path of ['/assets/index-AbCd1234.js', '/assets/index-Xy_9-8Zq.css']) {
      const res = await wire(dev.url, path);
      expect(res.headers['cache-control'], path).toBe('public, max-age=31536000, immutable');
    }
  });

  it('makes index.html, the app’s routes and unhashed files revalidate every time', async () => {
    for (const path of ['/', '/index.html', '/c/0123456789abcdef01234567', '/assets/logo.svg']) {
      const res = await wire(dev.url, path);
      expect(res.status, path).toBe(200);
      expect(res.headers['cache-control'], path).toBe('no-cache');
    }
    const route = await wire(dev.url, '/c/0123456789abcdef01234567');
    expect(route.body.toString()).toBe(files['index.html']);
  });

  it('answers a revalidation of an unchanged page with 304 and no body', async () => {
    const headers = { 'accept-encoding': 'br' };
    const first = await wire(dev.url, '/', { headers });
    const tag = first.headers.etag as string;
    expect(tag).toBeTruthy();
    const again = await wire(dev.url, '/', { headers: { ...headers, 'if-none-match': tag } });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    // Another encoding is another representation: its tag differs, so no 304 across them.
    const plain = await wire(dev.url, '/', { headers: { 'if-none-match': tag } });
    expect(plain.status).toBe(200);
    expect(plain.headers.etag).not.toBe(tag);
  });
});
