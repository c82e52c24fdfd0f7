// The one-GET crash: a message.list cursor whose `b` no longer changes under
// `n++` (1e300) once made the server build an endless array and abort.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import { newSession, signUp, trpcCall } from '../faults/support/trpc';
import { startTestServer } from '../support/harness';

let parley: Parley;
beforeAll(async () => {
  parley = await startTestServer();
});
afterAll(() => parley.stop());

const cursorOf = (json: string) => Buffer.from(json).toString('base64url');

describe('a message cursor with a huge number', () => {
  it('is refused with BAD_REQUEST and the server keeps answering', async () => {
    const token = await signUp(parley.url, 'cursor_attacker');
    const sessionId = await newSession(parley.url, token);
    const cursor = cursorOf('{"s":"000000000000000000000000","b":1e300}');
    for (const id of [sessionId, '000000000000000000000000']) {
      const out = await trpcCall(
        parley.url,
        'query',
        'message.list',
        { sessionId: id, cursor },
        token,
        10_000,
      );
      expect(out.code).toBe('BAD_REQUEST');
    }
    const health = await fetch(`${parley.url}/healthz`, { signal: AbortSignal.timeout(10_000) });
    expect(health.status).toBe(200);
  }, 30_000);
});
