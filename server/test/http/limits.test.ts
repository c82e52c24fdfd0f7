import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import { startTestServer } from '../support/harness';

let parley: Parley;
beforeAll(async () => {
  parley = await startTestServer();
});
afterAll(() => parley.stop());

describe('the HTTP server', () => {
  it('reports the database on /healthz', async () => {
    const res = await fetch(`${parley.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', database: 'up' });
  });

  it('refuses a body over 1 MiB', async () => {
    const body = JSON.stringify({ json: { username: 'x'.repeat(2 * 1024 * 1024), password: 'p' } });
    const res = await fetch(`${parley.url}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(413);
  });

  it('refuses a batch of 1,000 calls', async () => {
    const paths = Array.from({ length: 1000 }, () => 'auth.me').join(',');
    const res = await fetch(`${parley.url}/trpc/${paths}?batch=1`);
    expect(res.status).toBe(400);
  });

  it('answers errors with a request id and never a stack trace', async () => {
    const res = await fetch(`${parley.url}/trpc/auth.me`);
    expect(res.status).toBe(401);
    const text = await res.text();
    expect(text).not.toMatch(/stack|at .*\.ts:\d+/);
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
