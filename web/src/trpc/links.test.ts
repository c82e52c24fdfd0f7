import { createTRPCClient } from '@trpc/client';
import { afterEach, describe, expect, it } from 'vitest';
import { createLinks } from './links';
import { socketStub } from './socketStub';
import type { AppRouter } from './types';

const stubs: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const s of stubs.splice(0)) await s.close();
});

describe('the live socket', () => {
  it('signs in with the access token in connectionParams, never in the URL, and a fresh one on reconnect', async () => {
    const stub = await socketStub((n) => [{ id: String(n), data: { n } }]);
    stubs.push(stub);
    let token = 'first-access-token';
    const client = createTRPCClient<AppRouter>({
      links: createLinks({ token: () => token, renew: async () => false }, {}, stub.live),
    });
    const received: unknown[] = [];
    const sub = client.message.onNew.subscribe(
      { sessionId: '0123456789abcdef01234567' },
      { onData: (d) => received.push(d) },
    );
    try {
      await expect.poll(() => received.length).toBe(1);
      token = 'second-access-token';
      stub.drop(1012);
      await expect.poll(() => received.length).toBe(2);
      expect(stub.subscribed.map((s) => s.token)).toEqual([
        'first-access-token',
        'second-access-token',
      ]);
      expect(stub.subscribed[1]?.lastEventId).toBe('1');
      for (const { url } of stub.subscribed) expect(url).not.toMatch(/access-token/);
    } finally {
      sub.unsubscribe();
    }
  });
});
