// What the tRPC endpoint's three ways of answering (./trpcCall, ./queries, ./subscriptions)
// share: the router's procedures by type, the context factory's shape, and how a
// failed call is logged and turned into a Retry-After header.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TRPCError } from '@trpc/server';
import type { NodeHTTPCreateContextFnOptions } from '@trpc/server/adapters/node-http';
import { RetryAfter } from '../lib/retryAfter';
import { log } from '../log';
import { appRouter } from '../routers/app';
import type { Context } from '../trpc/context';

export const routerConfig = appRouter._def._config;

/** The Node request and what tRPC (or one of the writers) read of it. */
export type ContextOptions = NodeHTTPCreateContextFnOptions<IncomingMessage, ServerResponse>;

/** Builds a call's context from the Node request and what tRPC read of it. */
export type ContextFactory = (opts: ContextOptions) => Context;

/** The dotted paths of every procedure of one type. */
export function pathsOf(type: 'query' | 'mutation' | 'subscription'): ReadonlySet<string> {
  // _def.procedures is flat at run time (keys are dotted paths), whatever its declared type.
  const procedures = appRouter._def.procedures as unknown as Record<
    string,
    { _def: { type: string } }
  >;
  return new Set(
    Object.entries(procedures)
      .filter(([, p]) => p._def.type === type)
      .map(([path]) => path),
  );
}

/**
 * Internal errors are logged with their request id (the server's, `requestId`, when a
 * failure comes before any context); clients only see a generic message.
 */
export function logFailure(
  error: TRPCError,
  path: string | undefined,
  ctx: Context | undefined,
  requestId?: string,
) {
  if (error.code !== 'INTERNAL_SERVER_ERROR') return;
  log.error('internal error', {
    requestId: ctx?.req.requestId ?? requestId,
    path,
    error: error.cause?.stack ?? error.stack ?? error.message,
  });
}

/** The Retry-After seconds one of the failures asks for, if any. */
export function retryAfterOf(errors: readonly TRPCError[]): number | undefined {
  for (const e of errors) if (e.cause instanceof RetryAfter) return e.cause.seconds;
  return undefined;
}
