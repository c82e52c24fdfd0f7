// A call the tRPC endpoint hands to tRPC whole (mutations, batches, JSON lines, what
// the two writers leave), and the options every way of answering it shares.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TRPCError } from '@trpc/server';
import { nodeHTTPRequestHandler } from '@trpc/server/adapters/node-http';
import { appRouter } from '../routers/app';
import type { Context } from '../trpc/context';
import { maxBodyBytes } from './body';
import { type ContextFactory, logFailure, retryAfterOf } from './procedures';

export const maxBatchSize = 50;

export interface TRPCCall {
  /** Its body, if any, already read (bounded, depth-checked) and set as `req.body`. */
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** The procedure path as sent (tRPC decodes it). */
  path: string;
  /** A refusal decided before tRPC (too large, nested too deep): tRPC words it, runs nothing. */
  error: TRPCError | null;
  createContext: ContextFactory;
}

export type AnswerCall = (call: TRPCCall) => Promise<void>;

export const trpcOptions = {
  router: appRouter,
  maxBatchSize,
  onError: (o: { error: TRPCError; path: string | undefined; ctx: Context | undefined }) =>
    logFailure(o.error, o.path, o.ctx),
  responseMeta({ errors }: { errors: TRPCError[] }) {
    const wait = retryAfterOf(errors);
    return wait === undefined ? {} : { headers: { 'retry-after': String(wait) } };
  },
};

/** Through tRPC's own node-http adapter, which takes a body already read as `req.body`. */
export function answerWithAdapter({ req, res, path, error, createContext }: TRPCCall) {
  return new Promise<void>((resolve) => {
    // The adapter's own promise waits for 'finish', which never comes if the client leaves.
    res.once('close', () => resolve());
    void nodeHTTPRequestHandler({
      ...trpcOptions,
      req,
      res,
      path,
      // Inert while the body arrives as req.body; the bound should it ever be streamed.
      maxBodySize: maxBodyBytes,
      // The adapter's own failures (writing the answer) come with no context, only the request.
      onError: (o) =>
        logFailure(o.error, o.path, o.ctx, (o.req as IncomingMessage & { id?: string }).id),
      // A refusal decided here reaches resolveResponse as its `error`: answered, nothing run.
      middleware: (_req, _res, next) => next(error ?? undefined),
      createContext,
    });
  });
}
