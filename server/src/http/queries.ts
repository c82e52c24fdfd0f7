// Queries over GET, one call or a batch, answered straight from the router's
// procedures in tRPC's HTTP protocol (what httpLink and httpBatchLink read):
// `{"result":{"data":…}}` or `{"error":…}` per call, a batch as an array, the status
// tRPC derives from the answers. tRPC's own resolveResponse builds a Fetch Request,
// Headers, an abort controller and a streamed Response around every call; for the
// reads that make most of Parley's traffic that was a third of the CPU each request
// costs (bench/bypasses.ts measures both ways in every run). The procedures still
// run through tRPC (callTRPCProcedure): input parsing, middleware, auth and error
// shapes are tRPC's. Anything else (a malformed input, an unknown path, a mutation,
// JSON lines) is left to tRPC's adapter, which also words its refusal, so the two can
// never disagree.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  callTRPCProcedure,
  getTRPCErrorFromUnknown,
  getTRPCErrorShape,
  type TRPCError,
  transformTRPCResponse,
} from '@trpc/server';
import { getHTTPStatusCode, parseConnectionParamsFromString } from '@trpc/server/http';
import type { TRPCResponse } from '@trpc/server/rpc';
import { appRouter } from '../routers/app';
import type { Context } from '../trpc/context';
import { type ContextFactory, logFailure, pathsOf, retryAfterOf, routerConfig } from './procedures';

const queryPaths = pathsOf('query');
/** Queries run to the end even if the client leaves (none waits on anything long). */
const neverAborted = new AbortController().signal;

interface QueryCall {
  path: string;
  input: unknown;
}

/** The queries a GET asks for, ready to run; null when resolveResponse should answer it. */
export interface QueryRequest {
  calls: QueryCall[];
  isBatchCall: boolean;
  connectionParams: ReturnType<typeof parseConnectionParamsFromString> | null;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `path` is the decoded procedure path (several, comma-separated, in a batch). */
export function readQueries(
  req: IncomingMessage,
  url: URL,
  path: string,
  maxBatchSize: number,
): QueryRequest | null {
  const { headers } = req;
  // JSON lines answers (httpBatchStreamLink) and other content types are tRPC's.
  if (headers['trpc-accept'] !== undefined || headers.accept?.includes('application/jsonl'))
    return null;
  const type = headers['content-type'];
  if (type !== undefined && !type.startsWith('application/json')) return null;
  const { searchParams } = url;
  const isBatchCall = searchParams.get('batch') === '1';
  const paths = isBatchCall ? path.split(',') : [path];
  if (paths.length > maxBatchSize || !paths.every((p) => queryPaths.has(p))) return null;
  try {
    const raw = searchParams.get('input');
    const parsed: unknown = raw ? JSON.parse(raw) : undefined;
    if (isBatchCall && parsed !== undefined && !isObject(parsed)) return null;
    const deserialize = (v: unknown) =>
      v === undefined ? undefined : routerConfig.transformer.input.deserialize(v);
    const calls = paths.map((p, i) => ({
      path: p,
      input: isBatchCall
        ? deserialize((parsed as Record<string, unknown> | undefined)?.[i])
        : deserialize(parsed),
    }));
    const params = searchParams.get('connectionParams');
    const connectionParams = params === null ? null : parseConnectionParamsFromString(params);
    return { calls, isBatchCall, connectionParams };
  } catch {
    return null;
  }
}

export async function answerQueries(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  request: QueryRequest,
  createContext: ContextFactory,
): Promise<void> {
  const { calls, isBatchCall, connectionParams } = request;
  let ctx: Context | undefined;
  let ctxError: unknown;
  try {
    ctx = createContext({
      req,
      res,
      info: {
        accept: null,
        type: 'query',
        isBatchCall,
        calls: calls.map((call, batchIndex) => ({
          path: call.path,
          batchIndex,
          getRawInput: async () => call.input,
          result: () => call.input,
          procedure: null,
        })),
        connectionParams,
        signal: neverAborted,
        url,
      },
    });
  } catch (e) {
    ctxError = e;
  }
  // By batch index, so Retry-After comes from the first failed call, as tRPC picks it.
  let errors: Array<TRPCError | undefined> = [];
  /** The error's answer; `call` is absent when the request as a whole failed. */
  const failed = (cause: unknown, batchIndex: number, call?: QueryCall): TRPCResponse => {
    const error = getTRPCErrorFromUnknown(cause);
    errors[batchIndex] = error;
    logFailure(error, call?.path, ctx);
    const shape = getTRPCErrorShape({
      config: routerConfig,
      ctx,
      error,
      input: call?.input,
      path: call?.path,
      type: 'query',
    });
    return { error: shape };
  };
  let answers: TRPCResponse | TRPCResponse[] = await Promise.all(
    calls.map(async (call, batchIndex): Promise<TRPCResponse> => {
      try {
        if (ctxError !== undefined) throw ctxError;
        const data = await callTRPCProcedure({
          router: appRouter,
          path: call.path,
          getRawInput: async () => call.input,
          ctx,
          type: 'query',
          signal: neverAborted,
          batchIndex,
        });
        // Every query's output is parsed by its zod schema into plain data: nothing to stream.
        return { result: { data } };
      } catch (cause) {
        return failed(cause, batchIndex, call);
      }
    }),
  );
  if (!isBatchCall) answers = answers[0] as TRPCResponse;
  let body: string;
  try {
    body = JSON.stringify(transformTRPCResponse(routerConfig, answers));
  } catch (cause) {
    // An answer the transformer cannot write fails the whole request, as in tRPC: one error.
    errors = [];
    answers = failed(cause, 0);
    body = JSON.stringify(transformTRPCResponse(routerConfig, answers));
  }
  res.statusCode = getHTTPStatusCode(answers);
  res.setHeader('content-type', 'application/json');
  res.setHeader('vary', 'trpc-accept, accept');
  const wait = retryAfterOf(errors.filter((e) => e !== undefined));
  if (wait !== undefined) res.setHeader('retry-after', String(wait));
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(body);
}
