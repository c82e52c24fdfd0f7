// Parley's SSE writer (http/subscriptions.ts) against tRPC's own sseStreamProducer:
// the same events through each, served over real HTTP, read by the EventSource the
// clients use and as raw bytes. Tracked ids, plain data, a ping, superjson's Dates,
// Maps and BigInts, the end, an error mid-stream, a failure before the first event,
// and an abort must read the same.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getTRPCErrorFromUnknown, getTRPCErrorShape, TRPCError, tracked } from '@trpc/server';
import { sseHeaders, sseStreamProducer } from '@trpc/server/unstable-core-do-not-import';
import { EventSource } from 'eventsource';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routerConfig as config } from '../../src/http/procedures';
import { eventWriter } from '../../src/http/subscriptions';

const pingMs = 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What each stream yields; a fresh run per request. */
const scenarios: Record<string, () => AsyncIterable<unknown> | TRPCError> = {
  async *lively() {
    yield tracked('1', { content: 'first', createdAt: new Date('2026-01-02T03:04:05.678Z') });
    yield tracked('2', { content: 'two lines\nand "quotes" \u2028 and émoji 🎉' });
    yield { plain: true, n: 3 };
    yield 'a bare string';
    // Quiet for several ping intervals: each side pings at least once, even on a busy machine.
    await sleep(pingMs * 5);
    yield tracked('abc-10', { at: new Date(0), seen: new Map([['a', 1n]]), gone: undefined });
  },
  async *failsMidway() {
    yield tracked('7', { content: 'before the failure' });
    throw new TRPCError({ code: 'FORBIDDEN', message: 'This chat is no longer yours.' });
  },
  async *crashes() {
    yield { content: 'before the crash' };
    throw new Error('a driver error with internals');
  },
  refused: () => new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in first.' }),
  async *aborted() {
    yield tracked('1', { content: 'then the request is aborted' });
    throw new DOMException('The operation was aborted.', 'AbortError');
  },
};

const shapeError = (error: TRPCError) =>
  getTRPCErrorShape({
    config,
    ctx: undefined,
    error,
    input: undefined,
    path: 'test.events',
    type: 'subscription',
  });

const errorIterable = (error: TRPCError) =>
  (async function* () {
    yield* [];
    throw error;
  })();

const write = eventWriter(pingMs);
let parley: Server;
let trpc: Server;
const urls = { parley: '', trpc: '' };

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const scenarioOf = (url: string | undefined) =>
  scenarios[new URL(url ?? '/', 'http://x').pathname.slice(1)] ?? scenarios.refused;

beforeAll(async () => {
  parley = createServer((req, res) => {
    const left = new AbortController();
    res.once('close', () => left.abort());
    void write(res, (scenarioOf(req.url) as () => unknown)(), left.signal, shapeError);
  });
  // tRPC's producer as resolveResponse sets it up, written as its node-http adapter writes.
  trpc = createServer(async (req, res) => {
    const source = (scenarioOf(req.url) as () => AsyncIterable<unknown> | TRPCError)();
    const stream = sseStreamProducer({
      ...config.sse,
      ping: { enabled: true, intervalMs: pingMs },
      data: source instanceof TRPCError ? errorIterable(source) : source,
      serialize: (v) => config.transformer.output.serialize(v),
      formatError: ({ error }) => shapeError(getTRPCErrorFromUnknown(error)),
    });
    res.writeHead(200, sseHeaders);
    for await (const chunk of stream) res.write(chunk);
    res.end();
  });
  urls.parley = await listen(parley);
  urls.trpc = await listen(trpc);
});
afterAll(async () => {
  for (const s of [parley, trpc]) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

interface Heard {
  type: string;
  lastEventId: string;
  data: string;
}

/** The events an EventSource dispatches, in order, until the stream ends. */
function hear(url: string): Promise<Heard[]> {
  return new Promise((resolve) => {
    const source = new EventSource(url);
    const heard: Heard[] = [];
    for (const type of ['connected', 'message', 'ping', 'return', 'serialized-error']) {
      source.addEventListener(type, (e) => {
        const m = e as { lastEventId: string; data: string };
        heard.push({ type, lastEventId: m.lastEventId, data: m.data });
      });
    }
    // The server ended the response: stop before the EventSource reconnects.
    source.addEventListener('error', () => {
      source.close();
      resolve(heard);
    });
  });
}

/** A client treats a ping as a keep-alive; how many fit in a pause is the timer's business. */
const onePingPerPause = <T>(items: T[], isPing: (t: T) => boolean) =>
  items.filter((t, i) => !(isPing(t) && i > 0 && isPing(items[i - 1] as T)));

/** Each message's lines exactly as sent; tRPC ends a message with one more newline. */
async function rawMessages(url: string) {
  const res = await fetch(url);
  const text = await res.text();
  const messages = text.split(/\n\n+/).filter((m) => m !== '');
  const headers = ['content-type', 'cache-control', 'x-accel-buffering', 'connection'].map((h) => [
    h,
    res.headers.get(h),
  ]);
  return { text, headers, messages: onePingPerPause(messages, (m) => m.startsWith('event: ping')) };
}

describe("Parley's SSE writer beside tRPC's sseStreamProducer", () => {
  it.each(['lively', 'failsMidway', 'crashes', 'refused'])(
    '%s: an EventSource hears the same events, ids and data, in order',
    async (name) => {
      const [ours, theirs] = await Promise.all([
        hear(`${urls.parley}/${name}`),
        hear(`${urls.trpc}/${name}`),
      ]);
      const noPingRuns = (h: Heard[]) => onePingPerPause(h, (e) => e.type === 'ping');
      expect(noPingRuns(ours)).toEqual(noPingRuns(theirs));
      expect(ours[0]?.type).toBe('connected');
      expect(ours.at(-1)?.type).toBe(name === 'lively' ? 'return' : 'serialized-error');
    },
  );

  it.each(Object.keys(scenarios))('%s: every message is the same bytes', async (name) => {
    const [ours, theirs] = await Promise.all([
      rawMessages(`${urls.parley}/${name}`),
      rawMessages(`${urls.trpc}/${name}`),
    ]);
    expect(ours.messages).toEqual(theirs.messages);
    expect(ours.headers).toEqual(theirs.headers);
  });

  it('reads back what was sent: ids, Dates, Maps and BigInts through superjson, a ping in the pause', async () => {
    const heard = await hear(`${urls.parley}/lively`);
    expect(heard.map((h) => h.type)).toEqual([
      'connected',
      'message',
      'message',
      'message',
      'message',
      ...heard.slice(5, -2).map(() => 'ping'),
      'message',
      'return',
    ]);
    expect(heard.filter((h) => h.type === 'ping').length).toBeGreaterThan(0);
    const data = heard
      .filter((h) => h.type === 'message')
      .map((h) => superjson.deserialize(JSON.parse(h.data)));
    expect(data[0]).toEqual({ content: 'first', createdAt: new Date('2026-01-02T03:04:05.678Z') });
    expect(data[4]).toEqual({ at: new Date(0), seen: new Map([['a', 1n]]), gone: undefined });
    // Untracked values carry no id.
    expect(heard.filter((h) => h.type === 'message').map((h) => h.lastEventId)).toEqual([
      '1',
      '2',
      '',
      '',
      'abc-10',
    ]);
    const crash = await hear(`${urls.parley}/crashes`);
    const shape = superjson.deserialize(JSON.parse(crash.at(-1)?.data ?? 'null')) as {
      message: string;
      data: { code: string };
    };
    expect(shape.data.code).toBe('INTERNAL_SERVER_ERROR');
    expect(shape.message).not.toMatch(/driver/);
  });

  it('ends an aborted stream with neither `return` nor an error, as tRPC does', async () => {
    const [ours, theirs] = await Promise.all([
      rawMessages(`${urls.parley}/aborted`),
      rawMessages(`${urls.trpc}/aborted`),
    ]);
    expect(ours.messages).toHaveLength(2);
    expect(ours.messages).toEqual(theirs.messages);
  });
});
