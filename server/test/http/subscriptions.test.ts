// The SSE wire itself, read raw: what httpSubscriptionLink and EventSource rely on.
// The typed-client tests (realtime/) prove the same streams end to end.
import { connect } from 'node:net';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import { startTestServer } from '../support/harness';
import { mutate } from '../support/http';

let parley: Parley;
let token: string;
let sessionId: string;
/** Listeners the server keeps for its whole life, before any stream. */
let standing: number;

beforeAll(async () => {
  // No caller cache: each stream's start waits on the database, a window in which
  // its client may leave (see the last test).
  parley = await startTestServer({ LIVE_PING_MS: '300' }, (c) => {
    c.callerCacheMs = 0;
  });
  standing = parley.services.bus.listenerCount();
  const reg = await mutate(parley.url, 'auth.register', {
    username: 'wire_reader',
    password: 'wire password',
    refreshTransport: 'body',
  });
  token = (
    superjson.deserialize((reg.body as { result: { data: never } }).result.data) as {
      accessToken: string;
    }
  ).accessToken;
  const created = await mutate(
    parley.url,
    'session.create',
    { title: 'wire' },
    { authorization: `Bearer ${token}` },
  );
  sessionId = (
    superjson.deserialize((created.body as { result: { data: never } }).result.data) as {
      id: string;
    }
  ).id;
});
afterAll(() => parley.stop());

/** Opens a stream and collects its text until `until` holds (or 5 s pass), then closes it. */
async function readStream(
  input: unknown,
  opts: { token?: string | null; lastEventId?: string; rawInput?: string } = {},
  until: (text: string) => boolean = () => false,
  during: () => Promise<unknown> = async () => {},
): Promise<{ status: number; contentType: string | null; text: string }> {
  const q = opts.rawInput ?? encodeURIComponent(JSON.stringify(superjson.serialize(input)));
  const params =
    opts.token === null
      ? ''
      : `&connectionParams=${encodeURIComponent(JSON.stringify({ token: opts.token ?? token }))}`;
  const left = new AbortController();
  const res = await fetch(`${parley.url}/trpc/message.onNew?input=${q}${params}`, {
    headers: {
      accept: 'text/event-stream',
      ...(opts.lastEventId ? { 'last-event-id': opts.lastEventId } : {}),
    },
    signal: left.signal,
  });
  let text = '';
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const deadline = setTimeout(() => left.abort(), 5_000);
  const reading = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        text += decoder.decode(value, { stream: true });
        if (until(text)) return;
      }
    } catch {
      // aborted
    }
  })();
  await during();
  await reading;
  clearTimeout(deadline);
  left.abort();
  return { status: res.status, contentType: res.headers.get('content-type'), text };
}

const send = (content: string) =>
  mutate(parley.url, 'message.send', { sessionId, content }, { authorization: `Bearer ${token}` });

describe('subscriptions on the wire', () => {
  it('opens with `connected`, sends each message as data with its seq as id, and pings when quiet', async () => {
    const out = await readStream(
      { sessionId },
      {},
      (t) => t.includes('"first on the wire"') && t.includes('event: ping'),
      () => send('first on the wire'),
    );
    expect(out.status).toBe(200);
    expect(out.contentType).toBe('text/event-stream');
    expect(
      out.text.startsWith('event: connected\ndata: {"reconnectAfterInactivityMs":20000}\n\n'),
    ).toBe(true);
    const event = /data: (.*)\nid: (\d+)\n\n/.exec(out.text);
    expect(event?.[2]).toBe('1');
    const message = superjson.deserialize(JSON.parse(event?.[1] ?? 'null')) as {
      content: string;
      createdAt: Date;
    };
    expect(message.content).toBe('first on the wire');
    expect(message.createdAt).toBeInstanceOf(Date);
    expect(out.text).toContain('event: ping\ndata: \n\n');
  });

  it('resumes after the Last-Event-ID header', async () => {
    await send('second');
    await send('third');
    const out = await readStream({ sessionId }, { lastEventId: '1' }, (t) => t.includes('id: 3\n'));
    const ids = [...out.text.matchAll(/\nid: (\d+)\n/g)].map((m) => m[1]);
    expect(ids).toEqual(['2', '3']);
  });

  it('answers a refusal as a serialized-error event: no token, bad input, unparsable input', async () => {
    const cases = [
      { opts: { token: null }, code: 'UNAUTHORIZED' },
      { opts: {}, input: { sessionId: 'not an id' }, code: 'BAD_REQUEST' },
      { opts: { rawInput: '%7Bnot%20json' }, code: 'BAD_REQUEST' },
    ] as const;
    for (const c of cases) {
      const out = await readStream('input' in c ? c.input : { sessionId }, c.opts, (t) =>
        t.includes('event: serialized-error'),
      );
      const error = /event: serialized-error\ndata: (.*)\n\n/.exec(out.text);
      const shape = superjson.deserialize(JSON.parse(error?.[1] ?? 'null')) as {
        data: { code: string; requestId: string };
      };
      expect(shape.data.code, out.text).toBe(c.code);
      expect(shape.data.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(out.text).not.toMatch(/stack|at .*\.ts:\d+/);
    }
  });
  it('serves a percent-encoded subscription path the same way', async () => {
    const q = encodeURIComponent(JSON.stringify(superjson.serialize({ sessionId })));
    const params = encodeURIComponent(JSON.stringify({ token }));
    const left = new AbortController();
    const res = await fetch(
      `${parley.url}/trpc/message%2EonNew?input=${q}&connectionParams=${params}`,
      {
        headers: { accept: 'text/event-stream' },
        signal: left.signal,
      },
    );
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    const timer = setTimeout(() => left.abort(), 5_000);
    try {
      while (!text.includes('event: ping')) {
        const { done, value } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
    } catch {
      // aborted: the assertion below says what was missing
    }
    clearTimeout(timer);
    left.abort();
    expect(text).toContain('event: ping');
  });

  it('leaves nothing behind when clients leave while their streams start', async () => {
    const bus = parley.services.bus;
    const q = encodeURIComponent(JSON.stringify(superjson.serialize({ sessionId })));
    const params = encodeURIComponent(JSON.stringify({ token }));
    const path = `/trpc/message.onNew?input=${q}&connectionParams=${params}`;
    // Resuming from 0 makes each stream deliver stored messages before it first waits.
    await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        const socket = connect(parley.port, '127.0.0.1');
        socket.on('error', () => {});
        await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
        socket.write(
          `GET ${path} HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\nLast-Event-ID: 0\r\n\r\n`,
        );
        await new Promise((r) => setTimeout(r, i % 4));
        socket.destroy();
      }),
    );
    const deadline = Date.now() + 5_000;
    while (bus.listenerCount() !== standing && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(bus.listenerCount()).toBe(standing);
  });
});
