// Oversized and hostile requests: a 10 MB body, a batch of 1,000 calls, deeply
// nested JSON. Each gets a clear refusal quickly, nothing is stored, and normal
// traffic keeps being served beside them (its p99 is printed, not asserted).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import { startTestServer } from '../support/harness';
import { type RawAnswer, rawRequest } from './support/raw';
import { newSession, p, signUp, trpcCall } from './support/trpc';

let parley: Parley;
let token: string;
let sessionId: string;

beforeAll(async () => {
  parley = await startTestServer();
  token = await signUp(parley.url, 'hostile_target');
  sessionId = await newSession(parley.url, token);
});
afterAll(() => parley.stop());

const json = { 'content-type': 'application/json' };

async function normalTrafficP99(count = 30): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < count; i++) {
    const out = await trpcCall(parley.url, 'query', 'session.list', { limit: 20 }, token);
    expect(out.ok).toBe(true);
    ms.push(out.ms);
  }
  return p(
    ms.sort((a, b) => a - b),
    0.99,
  );
}

/** Runs the hostile requests while a normal client keeps listing sessions. */
async function beside(hostile: () => Promise<RawAnswer[]>): Promise<RawAnswer[]> {
  const idle = await normalTrafficP99();
  const [answers, busy] = await Promise.all([hostile(), normalTrafficP99()]);
  console.log(
    `session.list p99 idle ${idle.toFixed(1)} ms, beside hostile requests ${busy.toFixed(1)} ms`,
  );
  return answers;
}

async function messageCount(): Promise<number> {
  const out = await trpcCall<{ messageCount: number }>(
    parley.url,
    'query',
    'session.get',
    { id: sessionId },
    token,
  );
  return out.data?.messageCount ?? -1;
}

const refused = (a: RawAnswer) => a.status === 413 || (a.status === 0 && a.error !== 'TIMEOUT');

describe('hostile requests', () => {
  it('refuses a 10 MB body with 413 (or a reset) without reading it all', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const body = () => [
      Buffer.from(`{"json":{"sessionId":"${sessionId}","content":"`),
      ...Array.from({ length: 160 }, () => chunk),
      Buffer.from('"}}'),
    ];
    const before = process.memoryUsage().rss;
    const answers = await beside(() =>
      Promise.all(
        Array.from({ length: 4 }, () =>
          rawRequest(`${parley.url}/trpc/message.send`, {
            method: 'POST',
            headers: { ...json, authorization: `Bearer ${token}` },
            chunks: body(),
          }),
        ),
      ),
    );
    console.log(
      `10 MB bodies: ${answers.map((a) => `${a.status || a.error} in ${a.ms.toFixed(0)} ms`).join(', ')}; RSS +${((process.memoryUsage().rss - before) / 2 ** 20).toFixed(1)} MiB`,
    );
    for (const a of answers) {
      // A hang would end in the request's own deadline, which refused() does not accept.
      expect(refused(a), JSON.stringify(a)).toBe(true);
    }
    expect(await messageCount()).toBe(0);
  });

  it('refuses a batch of 1,000 calls, by GET and by POST, storing nothing', async () => {
    const input = { json: { sessionId, content: 'batched' } };
    const postBody = JSON.stringify(
      Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [i, input])),
    );
    const paths = (name: string) => Array.from({ length: 1000 }, () => name).join(',');
    const answers = await beside(() =>
      Promise.all([
        rawRequest(`${parley.url}/trpc/${paths('session.list')}?batch=1`, {
          headers: { authorization: `Bearer ${token}` },
        }),
        rawRequest(`${parley.url}/trpc/${paths('message.send')}?batch=1`, {
          method: 'POST',
          headers: { ...json, authorization: `Bearer ${token}` },
          chunks: [Buffer.from(postBody)],
        }),
      ]),
    );
    console.log(
      `1,000-call batches: ${answers.map((a) => `${a.status} in ${a.ms.toFixed(0)} ms`).join(', ')}`,
    );
    for (const a of answers) {
      expect([400, 413, 414, 431], JSON.stringify(a)).toContain(a.status);
    }
    expect(await messageCount()).toBe(0);
  });

  it('answers deeply nested JSON with a client error, never a 500 or a crash', async () => {
    const depth = 200_000;
    const nestedArray = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const nestedObject = `${'{"a":'.repeat(depth / 2)}1${'}'.repeat(depth / 2)}`;
    const bodies = [
      `{"json":{"sessionId":${nestedArray},"content":"x"}}`,
      `{"json":${nestedObject}}`,
      `{"json":{"sessionId":"${sessionId}","content":"x"},"meta":{"values":${nestedObject}}}`,
      `{"json":{"sessionId":"${sessionId}","content":"x"},"meta":{"values":{"content":${nestedArray}}}}`,
    ];
    const answers = await beside(() =>
      Promise.all(
        bodies.map((b) =>
          rawRequest(`${parley.url}/trpc/message.send`, {
            method: 'POST',
            headers: { ...json, authorization: `Bearer ${token}` },
            chunks: [Buffer.from(b)],
          }),
        ),
      ),
    );
    console.log(
      `nested JSON: ${answers.map((a) => `${a.status} in ${a.ms.toFixed(0)} ms`).join(', ')}`,
    );
    for (const a of answers) {
      expect(a.status, a.body.slice(0, 300)).toBeGreaterThanOrEqual(400);
      expect(a.status, a.body.slice(0, 300)).toBeLessThan(500);
    }
    expect(await messageCount()).toBe(0);
    const health = await rawRequest(`${parley.url}/healthz`, {});
    expect(health.status).toBe(200);
  });
});
