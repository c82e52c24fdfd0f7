// The tRPC endpoint at /trpc. Queries over GET are answered by ./queries and
// subscriptions (GET, SSE) by ./subscriptions; everything else goes to tRPC's own
// node-http adapter (./trpcCall), with the body read here first: JSON (./contentType),
// at most maxBodyBytes, nested at most maxJsonDepth, refused before anything parses it.
// Internal errors are logged with their request id; clients only ever see a generic message.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TRPCError } from '@trpc/server';
import { appRouter } from '../routers/app';
import type { Services } from '../services';
import { maxBodyBytes, readBoundedText } from './body';
import { isJsonType, refuseContentType } from './contentType';
import { contextFactory } from './context';
import { nestsDeeperThan, sendJson, tooDeeplyNested } from './json';
import { answerQueries, readQueries } from './queries';
import { checkRouterForWriters } from './routerCheck';
import { subscriptionPaths, subscriptionServer } from './subscriptions';
import { type AnswerCall, answerWithAdapter, maxBatchSize } from './trpcCall';

export const basePath = '/trpc/';
export { maxBatchSize };

/**
 * The procedure path (decoded, several comma-separated in a batch) and the path tRPC is
 * handed, which it decodes again. A path that is not valid percent-encoding names no
 * procedure: it is kept as sent, so tRPC answers NOT_FOUND for it as for any unknown
 * name (its own decodeURIComponent threw there, which it answered as a 500).
 */
function procedurePath(raw: string): { procedure: string; path: string } {
  try {
    return { procedure: decodeURIComponent(raw), path: raw };
  } catch {
    return { procedure: raw, path: encodeURIComponent(raw) };
  }
}

/** BAD_REQUEST if any of these JSON texts nests too deeply, else null. */
function nestingErrorOf(...texts: Array<string | null>): TRPCError | null {
  if (!texts.some((t) => t !== null && nestsDeeperThan(t))) return null;
  return new TRPCError({ code: 'BAD_REQUEST', message: `${tooDeeplyNested}.` });
}

/** Methods a Fetch Request cannot carry; tRPC never answers them. */
const unsupportedMethods = new Set(['CONNECT', 'TRACE', 'TRACK']);

export interface TRPCHandlerOptions {
  /** Queries and subscriptions through tRPC too: tests and the bench compare the two. */
  viaTRPC?: boolean;
  /** What answers the rest (the bench swaps in another to compare). */
  answer?: AnswerCall;
}

export function trpcHandler(
  services: Services,
  { viaTRPC = false, answer = answerWithAdapter }: TRPCHandlerOptions = {},
) {
  checkRouterForWriters(appRouter, services.config.live);
  const createContext = contextFactory(services);
  const subscribe = subscriptionServer(services.config.live.pingMs, createContext);
  /** `url` is the request's, parsed once by the server. */
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    if (unsupportedMethods.has(req.method ?? '')) {
      sendJson(res, 405, { detail: 'Method Not Allowed' }, { allow: 'GET, POST' });
      return;
    }
    const { procedure, path } = procedurePath(url.pathname.slice(basePath.length));
    const { searchParams } = url;
    // Checked before any path parses them; tRPC then answers with this error alone.
    let error = nestingErrorOf(searchParams.get('input'), searchParams.get('connectionParams'));
    if (error) {
      searchParams.delete('input');
      searchParams.delete('connectionParams');
      // tRPC reads the query string from req.url: it must not see what was refused.
      req.url = `${url.pathname}${url.search}`;
    }
    const bypass = !error && req.method === 'GET' && !viaTRPC;
    if (bypass && subscriptionPaths.has(procedure)) return subscribe(req, res, url, procedure);
    if (bypass) {
      const queries = readQueries(req, url, procedure, maxBatchSize);
      if (queries) return answerQueries(req, res, url, queries, createContext);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      const type = req.headers['content-type'];
      if (!isJsonType(type)) return refuseContentType(res);
      req.headers['content-type'] = type?.toLowerCase();
      const text = await readBoundedText(req, maxBodyBytes);
      if (text === null) {
        error = new TRPCError({ code: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large.' });
        // The rest of the body is not read: the connection ends with this answer.
        res.setHeader('connection', 'close');
      }
      error ??= nestingErrorOf(text);
      (req as IncomingMessage & { body?: string }).body = error ? '' : (text ?? '');
    }
    await answer({ req, res, url, path, error, createContext });
  };
}
