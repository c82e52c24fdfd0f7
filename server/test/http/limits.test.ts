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

  it('refuses a body over 1 MiB sent without a length with 413, not a reset', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 40) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await fetch(`${parley.url}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
  });

  it('answers a client that asks for JSON lines with a body it can read', async () => {
    // A batch, as httpBatchStreamLink sends it.
    const res = await fetch(`${parley.url}/trpc/auth.me,auth.me?batch=1`, {
      headers: { 'trpc-accept': 'application/jsonl' },
    });
    const text = await res.text();
    expect(text.length).toBeGreaterThan(0);
    for (const line of text.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('refuses a method a Fetch request cannot carry with 405', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${parley.url}/trpc/auth.me`, { method: 'TRACE' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(405);
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
