import { createTRPCClient } from '@trpc/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiStub } from './apiStub';
import { createLinks } from './links';
import type { AppRouter } from './types';

afterEach(() => vi.unstubAllGlobals());

describe('the live stream link', () => {
  it('sends the access token as a header, never in the URL, and a fresh one on reconnect', async () => {
    const { streams, fetchStub } = apiStub({
      stream: (n) => [{ id: String(n), data: { n } }],
    });
    vi.stubGlobal('fetch', fetchStub);
    let token = 'first-access-token';
    const client = createTRPCClient<AppRouter>({
      links: createLinks({ token: () => token, renew: async () => false }),
    });
    const received: unknown[] = [];
    const sub = client.message.onNew.subscribe(
      { sessionId: '0123456789abcdef01234567' },
      { onData: (d) => received.push(d) },
    );
    try {
      await vi.waitFor(() => expect(received).toHaveLength(1));
      token = 'second-access-token';
      streams[0]?.end();
      await vi.waitFor(() => expect(streams).toHaveLength(2));
      expect(streams.map((s) => s.authorization)).toEqual([
        'Bearer first-access-token',
        'Bearer second-access-token',
      ]);
      for (const { url } of streams) {
        expect(url).toMatch(/\/trpc\/message\.onNew\?/);
        expect(url).not.toMatch(/connectionParams|access-token/);
      }
    } finally {
      sub.unsubscribe();
    }
  });
});
