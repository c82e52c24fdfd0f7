// The tRPC endpoint at /trpc. Queries over GET are answered by ./queries and
// subscriptions (GET, SSE) by ./subscriptions; everything else goes through tRPC's
// own resolveResponse with lean Node I/O: the body is read whole up to maxBodyBytes
// before tRPC sees the request, and an answer goes out in one write with its length.
// Any other stream tRPC answers with is written chunk by chunk with back-pressure.
// Internal errors are logged with their request id; clients only ever see a generic
// message.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TRPCError } from '@trpc/server';
import { resolveResponse } from '@trpc/server/http';
import { appRouter } from '../routers/app';
import type { Services } from '../services';
import { maxBodyBytes, readBoundedText } from './body';
import { contextFactory } from './context';
import { drained } from './drained';
import { nestsDeeperThan, sendJson, tooDeeplyNested } from './json';
import { logFailure, retryAfterOf } from './procedures';
import { answerQueries, readQueries } from './queries';
import { subscriptionPaths, subscriptionServer } from './subscriptions';

export const basePath = '/trpc/';
export const maxBatchSize = 50;

async function writeStream(
  res: ServerResponse,
  body: ReadableStream<Uint8Array>,
  signal: AbortSignal,
) {
  const reader = body.getReader();
  const stop = () => void reader.cancel().catch(() => {});
  signal.addEventListener('abort', stop, { once: true });
  // tRPC hands an event over as several small chunks (data, id, blank line): corked
  // until the loop turns, they leave in one write instead of one each.
  let corked = false;
  const uncork = () => {
    corked = false;
    res.uncork();
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || res.destroyed) break;
      if (!corked) {
        corked = true;
        res.cork();
        setImmediate(uncork);
      }
      if (!res.write(value)) await drained(res);
    }
  } catch (e) {
    if (!signal.aborted) throw e;
  } finally {
    signal.removeEventListener('abort', stop);
  }
}

async function writeAnswer(res: ServerResponse, response: Response) {
  res.statusCode = response.status;
  for (const [key, value] of response.headers) {
    if (key !== 'set-cookie') res.setHeader(key, value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  // tRPC streams SSE, and JSON lines to a client that asks for them (trpc-accept:
  // application/jsonl); Node does the chunking, so tRPC's own framing header goes.
  const streaming =
    response.headers.get('content-type')?.startsWith('text/event-stream') ||
    response.headers.has('transfer-encoding');
  if (response.body && streaming) {
    res.removeHeader('transfer-encoding');
    const left = new AbortController();
    res.once('close', () => left.abort());
    res.flushHeaders();
    await writeStream(res, response.body, left.signal);
    res.end();
    return;
  }
  const body = Buffer.from(await response.arrayBuffer());
  if (response.status !== 204 && response.status !== 304)
    res.setHeader('content-length', body.length);
  res.end(body);
}

/**
 * The Fetch request tRPC reads. Queries and mutations carry no abort signal: they run
 * to the end even if the client leaves (none waits on anything long). A stream tRPC
 * serves itself (../subscriptions serves the usual ones) stops when its client leaves.
 */
function toRequest(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  body: string | undefined,
): Request {
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) {
    if (key.startsWith(':') || value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(key, v);
    else headers.append(key, value);
  }
  let signal: AbortSignal | undefined;
  if ((req.headers.accept ?? '').includes('text/event-stream')) {
    const left = new AbortController();
    res.once('close', () => left.abort());
    signal = left.signal;
  }
  return new Request(url, { method: req.method ?? 'GET', headers, body, signal });
}

/** A path as tRPC reads it (decoded), or null when it cannot be decoded. */
function procedurePath(raw: string): string | null {
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

/** BAD_REQUEST if any of these JSON texts nests too deeply, else null. */
function nestingErrorOf(...texts: Array<string | null>): TRPCError | null {
  if (!texts.some((t) => t !== null && nestsDeeperThan(t))) return null;
  return new TRPCError({ code: 'BAD_REQUEST', message: `${tooDeeplyNested}.` });
}

/** Methods a Fetch Request cannot carry; tRPC never answers them. */
const unsupportedMethods = new Set(['CONNECT', 'TRACE', 'TRACK']);

/** `viaTRPC` sends queries through resolveResponse too: tests compare the two answers. */
export function trpcHandler(services: Services, { viaTRPC = false } = {}) {
  const createContext = contextFactory(services);
  const subscribe = subscriptionServer(services.config.live.pingMs, createContext);
  /** `url` is the request's, parsed once by the server (tRPC reads only its path and query). */
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    if (unsupportedMethods.has(req.method ?? '')) {
      sendJson(res, 405, { detail: 'Method Not Allowed' }, { allow: 'GET, POST' });
      return;
    }
    const path = url.pathname.slice(basePath.length);
    const procedure = procedurePath(path);
    const { searchParams } = url;
    // Checked before any path parses them; tRPC then answers with this error alone.
    let error = nestingErrorOf(searchParams.get('input'), searchParams.get('connectionParams'));
    if (error) {
      searchParams.delete('input');
      searchParams.delete('connectionParams');
    }
    if (!error && req.method === 'GET' && procedure !== null && subscriptionPaths.has(procedure)) {
      return subscribe(req, res, url, procedure);
    }
    if (!error && req.method === 'GET' && procedure !== null && !viaTRPC) {
      const queries = readQueries(req, url, procedure, maxBatchSize);
      if (queries) return answerQueries(req, res, url, queries, createContext);
    }
    let body: string | undefined;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      const text = await readBoundedText(req, maxBodyBytes);
      if (text === null) {
        error = new TRPCError({ code: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large.' });
        // The rest of the body is not read: the connection ends with this answer.
        res.setHeader('connection', 'close');
      }
      error ??= nestingErrorOf(text);
      body = error ? '' : (text ?? '');
    }
    const request = toRequest(req, res, url, body);
    const response = await resolveResponse({
      router: appRouter,
      req: request,
      path,
      error,
      maxBatchSize,
      createContext: async ({ info }) => createContext({ req, res, info }),
      onError: ({ error: e, path: called, ctx }) => logFailure(e, called, ctx),
      responseMeta({ errors }) {
        const wait = retryAfterOf(errors);
        return wait === undefined ? {} : { headers: { 'retry-after': String(wait) } };
      },
    });
    await writeAnswer(res, response);
  };
}
