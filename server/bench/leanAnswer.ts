// What the tRPC endpoint once ran instead of tRPC's node-http adapter: resolveResponse
// with lean Node I/O (an answer in one write with its length, a stream corked per event).
// Beside the adapter (bench/bypasses.ts) it saved no steady CPU on message.send, only on
// calls with no database work, so the endpoint uses the adapter; every run re-measures it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolveResponse } from '@trpc/server/http';
import { drained } from '../src/http/drained';
import { type TRPCCall, trpcOptions } from '../src/http/trpcCall';

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
  // Node does the chunking of a stream, so tRPC's own framing header goes.
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

/** Queries and mutations carry no abort signal; a stream stops when its client leaves. */
function toRequest(req: IncomingMessage, res: ServerResponse, url: URL, body: string | undefined) {
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

export async function leanAnswer({ req, res, url, path, error, createContext }: TRPCCall) {
  const body = (req as IncomingMessage & { body?: string }).body;
  const response = await resolveResponse({
    ...trpcOptions,
    req: toRequest(req, res, url, body),
    path,
    error,
    createContext: async ({ info }) => createContext({ req, res, info }),
  });
  await writeAnswer(res, response);
}
