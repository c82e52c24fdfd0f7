// Security headers over real HTTP, on every kind of answer the server writes: the
// web app, health, each of the tRPC endpoint's writers, REST, and refusals.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveWeb, type WebServer, wire } from './support/wire';

let root: string;
let dev: WebServer;
let production: WebServer;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'parley-headers-'));
  writeFileSync(
    join(root, 'index.html'),
    '<!doctype html><title>Parley</title><div id="root"></div>',
  );
  dev = await serveWeb(root);
  production = await serveWeb(root, { NODE_ENV: 'production' });
});
afterAll(async () => {
  await dev?.stop();
  await production?.stop();
  rmSync(root, { recursive: true, force: true });
});

const onNew = `/trpc/message.onNew?input=${encodeURIComponent(
  JSON.stringify({ json: { sessionId: '000000000000000000000000' } }),
)}`;

/** One request per writer: [what, path, options]. */
const answers: Array<[string, string, Parameters<typeof wire>[2]]> = [
  ['the web app', '/', {}],
  ['a client-side route', '/c/0123456789abcdef01234567', {}],
  ['health', '/healthz', {}],
  ['a query over GET', '/trpc/auth.me', {}],
  ['a batch of queries', '/trpc/auth.me,auth.me?batch=1', {}],
  [
    'a mutation',
    '/trpc/auth.login',
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"json":{}}' },
  ],
  ['a subscription', onNew, { headers: { accept: 'text/event-stream' } }],
  ['a REST route', '/chat/sessions', {}],
  ['a missing file', '/missing.txt', {}],
  ['a malformed path', '/%', {}],
];

describe('security headers', () => {
  it.each(answers)('%s carries them', async (_what, path, opts) => {
    const res = await wire(dev.url, path, opts);
    expect(res.status).toBeGreaterThan(0);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-frame-options']).toBe('DENY');
    const csp = String(res.headers['content-security-policy']);
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "frame-ancestors 'none'",
      "object-src 'none'",
      "base-uri 'self'",
    ])
      expect(csp).toContain(directive);
    expect(csp).not.toContain('unsafe-inline');
    // HSTS only where Parley is deployed: a development server on http://localhost must not pin it.
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });

  it.each(answers)('%s asks for HTTPS in production', async (_what, path, opts) => {
    const res = await wire(production.url, path, opts);
    expect(res.headers['strict-transport-security']).toMatch(/^max-age=31536000/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});
