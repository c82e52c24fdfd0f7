// Subscriptions over SSE, written straight to the socket in tRPC's SSE protocol
// (what httpSubscriptionLink reads): `connected` with the client options, then one
// `data:`/`id:` event per yielded value, `ping` when a stream has been quiet for
// config.live.pingMs, and `return` or `serialized-error` at the end. tRPC's own
// producer runs each event through three web streams and a timer; on one process
// with a thousand open streams that cost most of the delivery time and most of
// each stream's memory (bench/bypasses.ts measures both ways in every run). The
// procedure itself still runs through tRPC (callTRPCProcedure): input parsing,
// middleware, auth and errors are tRPC's, shaped by the router's errorFormatter.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  callTRPCProcedure,
  getTRPCErrorFromUnknown,
  getTRPCErrorShape,
  isTrackedEnvelope,
  TRPCError,
} from '@trpc/server';
import { parseConnectionParamsFromString } from '@trpc/server/http';
import { appRouter } from '../routers/app';
import type { Context } from '../trpc/context';
import { unreadableInputMessage } from '../trpc/inputReader';
import { type ContextFactory, routerConfig as config, logFailure, pathsOf } from './procedures';

const connected = `event: connected\ndata: ${JSON.stringify(config.sse?.client ?? {})}\n\n`;

/** The procedures served here: every subscription of the router. */
export const subscriptionPaths = pathsOf('subscription');

interface OpenStream {
  res: ServerResponse;
  lastWriteAt: number;
}

/** The open streams of one server, and one timer that pings each that has been quiet. */
class Pinger {
  private readonly open = new Set<OpenStream>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly intervalMs: number) {}

  track(stream: OpenStream): () => void {
    this.open.add(stream);
    this.timer ??= setInterval(
      () => {
        const due = Date.now() - this.intervalMs;
        for (const s of this.open) {
          // A stream whose socket is backed up is not quiet, only slow: no ping piles on.
          if (s.lastWriteAt <= due && !s.res.writableNeedDrain) write(s, 'event: ping\ndata: \n\n');
        }
      },
      Math.max(50, this.intervalMs / 3),
    ).unref();
    return () => {
      this.open.delete(stream);
      if (this.open.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = null;
      }
    };
  }
}

/** Writes one event; resolves at once, or when the socket drains or closes. */
function write(stream: OpenStream, text: string): Promise<void> | undefined {
  stream.lastWriteAt = Date.now();
  if (stream.res.destroyed || stream.res.write(text)) return undefined;
  return new Promise<void>((resolve) => {
    const settle = () => {
      stream.res.off('drain', settle);
      stream.res.off('close', settle);
      resolve();
    };
    stream.res.on('drain', settle);
    stream.res.on('close', settle);
  });
}

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> =>
  typeof value === 'object' && value !== null && Symbol.asyncIterator in value;

const isAbortError = (e: unknown) =>
  typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'AbortError';

function readInput(url: URL, req: IncomingMessage): unknown {
  const raw = url.searchParams.get('input');
  let input: unknown;
  if (raw !== null) {
    try {
      input = config.transformer.input.deserialize(JSON.parse(raw));
    } catch (cause) {
      // The same refusal as tRPC's own reader gives for one call or a batch.
      if (cause instanceof TRPCError) throw cause;
      throw new TRPCError({ code: 'BAD_REQUEST', message: unreadableInputMessage, cause });
    }
  }
  const lastEventId =
    (req.headers['last-event-id'] as string | undefined) ??
    url.searchParams.get('lastEventId') ??
    url.searchParams.get('Last-Event-Id');
  if (lastEventId) {
    if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
      input = { ...input, lastEventId };
    } else input ??= { lastEventId };
  }
  return input;
}

/**
 * Writes what a subscription yields (or the error it failed with) to `res` in tRPC's SSE
 * protocol until it ends or `left` aborts; `shapeError` shapes (and logs) a failure.
 * test/http/sseProtocol.test.ts compares its bytes with tRPC's own sseStreamProducer.
 */
export type WriteEvents = (
  res: ServerResponse,
  source: unknown,
  left: AbortSignal,
  shapeError: (error: TRPCError) => unknown,
) => Promise<void>;

/** The writer of one server's streams; quiet streams are pinged every `pingMs`. */
export function eventWriter(pingMs: number): WriteEvents {
  const pinger = new Pinger(pingMs);
  return (res, source, left, shapeError) => writeEvents(res, source, left, shapeError, pinger);
}

/** Serves subscriptions for one server; quiet streams are pinged every `pingMs`. */
export function subscriptionServer(pingMs: number, createContext: ContextFactory) {
  const write = eventWriter(pingMs);
  return (req: IncomingMessage, res: ServerResponse, url: URL, path: string) =>
    serveSubscription(req, res, url, path, createContext, write);
}

async function serveSubscription(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  path: string,
  createContext: ContextFactory,
  write: WriteEvents,
): Promise<void> {
  const left = new AbortController();
  res.once('close', () => left.abort());
  let ctx: Context | undefined;
  let input: unknown;
  let source: unknown;
  try {
    const params = url.searchParams.get('connectionParams');
    const connectionParams = params === null ? null : parseConnectionParamsFromString(params);
    ctx = createContext({
      req,
      res,
      info: {
        accept: null,
        type: 'subscription',
        isBatchCall: false,
        calls: [],
        connectionParams,
        signal: left.signal,
        url,
      },
    });
    input = readInput(url, req);
    source = await callTRPCProcedure({
      router: appRouter,
      path,
      getRawInput: async () => input,
      ctx,
      type: 'subscription',
      signal: left.signal,
      batchIndex: 0,
    });
  } catch (e) {
    source = getTRPCErrorFromUnknown(e);
  }
  await write(res, source, left.signal, (error) => {
    logFailure(error, path, ctx);
    return getTRPCErrorShape({ config, ctx, error, input, path, type: 'subscription' });
  });
}

async function writeEvents(
  res: ServerResponse,
  source: unknown,
  left: AbortSignal,
  shapeError: (error: TRPCError) => unknown,
  pinger: Pinger,
): Promise<void> {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache, no-transform',
    'x-accel-buffering': 'no',
    connection: 'keep-alive',
  });
  const stream: OpenStream = { res, lastWriteAt: Date.now() };
  const untrack = pinger.track(stream);
  write(stream, connected);
  const serialize = (v: unknown) => JSON.stringify(config.transformer.output.serialize(v));
  let iterator: AsyncIterator<unknown> | undefined;
  let finished = false;
  try {
    if (source instanceof TRPCError) throw source;
    if (!isAsyncIterable(source)) {
      throw new TRPCError({
        code: 'INTERNAL_SERVER_ERROR',
        message: 'The subscription did not return an async iterable.',
      });
    }
    iterator = source[Symbol.asyncIterator]();
    for (;;) {
      // The client may have left while the procedure started: check before every wait.
      if (left.aborted) return;
      const step = await iterator.next();
      if (step.done) {
        finished = true;
        await write(stream, 'event: return\ndata: \n\n');
        return;
      }
      if (left.aborted) return;
      const value = step.value;
      const event = isTrackedEnvelope(value)
        ? `data: ${serialize(value[1])}\nid: ${value[0]}\n\n`
        : `data: ${serialize(value)}\n\n`;
      await write(stream, event);
    }
  } catch (cause) {
    // An AbortError ends the stream without `return`: the client reconnects and resumes.
    if (isAbortError(cause) || left.aborted) return;
    const shape = shapeError(getTRPCErrorFromUnknown(cause));
    await write(stream, `event: serialized-error\ndata: ${serialize(shape)}\n\n`);
  } finally {
    // However the stream ended, the procedure's own cleanup (its bus listener) runs.
    if (!finished) void iterator?.return?.(undefined).catch(() => {});
    untrack();
    res.end();
  }
}
