// A stand-in for the API in the link tests (a global fetch): answers batched calls
// and opens SSE streams in tRPC's wire format, recording every request it gets.
import { type TRPC_ERROR_CODE_KEY, TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import superjson from 'superjson';
import { vi } from 'vitest';

export interface Received {
  url: string;
  path: string;
  authorization: string | undefined;
  /** Ends a stream's response, as a dropped connection would. */
  end(): void;
}

/** One call's answer: its data, or a refusal with this code. */
export type Answer = { data: unknown } | { refuse: TRPC_ERROR_CODE_KEY };

/** A stream's events: data with an id, or the error that ends it. */
export type StreamEvent = { id: string; data: unknown } | { refuse: TRPC_ERROR_CODE_KEY };

export interface StubOptions {
  call?: (path: string, req: Received) => Answer | Promise<Answer>;
  /** The events of connection `n` (1-based) of a stream. */
  stream?: (n: number, req: Received) => StreamEvent[];
}

const json = (value: unknown) => JSON.stringify(superjson.serialize(value));

function errorShape(code: TRPC_ERROR_CODE_KEY, path: string) {
  return { message: code, code: TRPC_ERROR_CODES_BY_KEY[code], data: { code, path } };
}

export function apiStub(opts: StubOptions) {
  const calls: Received[] = [];
  const streams: Received[] = [];
  const fetchStub = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const authorization = new Headers(init?.headers).get('authorization') ?? undefined;
    const paths = decodeURIComponent(new URL(url, 'http://stub').pathname.replace(/^\/trpc\//, ''));
    const isStream = new Headers(init?.headers).get('accept') === 'text/event-stream';
    if (!isStream) {
      const answers = await Promise.all(
        paths.split(',').map(async (path) => {
          const req: Received = { url, path, authorization, end: () => {} };
          calls.push(req);
          const answer = (await opts.call?.(path, req)) ?? { data: null };
          return 'data' in answer
            ? { result: { data: superjson.serialize(answer.data) } }
            : { error: superjson.serialize(errorShape(answer.refuse, path)) };
        }),
      );
      return new Response(JSON.stringify(answers), {
        headers: { 'content-type': 'application/json' },
      });
    }
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const req: Received = { url, path: paths, authorization, end: () => controller.close() };
    streams.push(req);
    const events = opts.stream?.(streams.length, req) ?? [];
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        controller = c;
        // A short retry, so that a dropped stream reconnects at once.
        let text = 'retry: 10\nevent: connected\ndata: {}\n\n';
        for (const e of events) {
          text +=
            'refuse' in e
              ? `event: serialized-error\ndata: ${json(errorShape(e.refuse, paths))}\n\n`
              : `data: ${json(e.data)}\nid: ${e.id}\n\n`;
        }
        c.enqueue(new TextEncoder().encode(text));
      },
    });
    return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  });
  return { calls, streams, fetchStub };
}
