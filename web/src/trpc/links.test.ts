import { createTRPCClient } from '@trpc/client';
import superjson from 'superjson';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLinks } from './links';
import type { AppRouter } from './types';

interface Opened {
  url: string;
  headers: Record<string, string>;
  /** Ends the response, as a dropped connection would. */
  end(): void;
}

/** Answers every stream request with tRPC's SSE opening and one message, and records it. */
function streamServer() {
  const opened: Opened[] = [];
  const fetchStub = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        controller = c;
        const data = JSON.stringify(superjson.serialize({ n: opened.length }));
        // A short retry, so that a dropped stream reconnects at once.
        c.enqueue(
          new TextEncoder().encode(`retry: 10\nevent: connected\ndata: {}\n\ndata: ${data}\n\n`),
        );
      },
    });
    opened.push({
      url: String(input),
      headers: Object.fromEntries(new Headers(init?.headers).entries()),
      end: () => controller.close(),
    });
    return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  });
  return { opened, fetchStub };
}

afterEach(() => vi.unstubAllGlobals());

describe('the live stream link', () => {
  it('sends the access token as a header, never in the URL, and a fresh one on reconnect', async () => {
    const { opened, fetchStub } = streamServer();
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
      opened[0]?.end();
      await vi.waitFor(() => expect(opened).toHaveLength(2));
      expect(opened.map((o) => o.headers.authorization)).toEqual([
        'Bearer first-access-token',
        'Bearer second-access-token',
      ]);
      for (const { url } of opened) {
        expect(url).toMatch(/\/trpc\/message\.onNew\?/);
        expect(url).not.toMatch(/connectionParams|access-token/);
      }
    } finally {
      sub.unsubscribe();
    }
  });
});
