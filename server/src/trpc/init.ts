// The one initTRPC: transformer, error shape, procedures. Routers build on these
// and never touch process.env or raw HTTP.
import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError, z } from 'zod';
import { authenticate } from '../auth/authenticate';
import { clientReconnectAfterInactivityMs } from '../config/env';
import type { UserDoc } from '../db/documents';
import { isTransientDatabaseError } from '../db/errors';
import { Refusal } from '../lib/refusal';
import { RetryAfter } from '../lib/retryAfter';
import type { Viewer } from '../realtime/viewer';
import type { Services } from '../services';
import type { Context } from './context';
import { unreadableInputMessage } from './inputReader';
import { asTRPCError, convertingRefusals } from './refusals';
import { parsed } from './schemas';
import { transformer } from './transformer';

const t = initTRPC.context<Context>().create({
  transformer,
  // Streams are written by http/subscriptions.ts, which hands `client` to every client
  // and takes its ping interval and stream lifetime from config.live (LIVE_PING_MS,
  // LIVE_STREAM_MAX_MS); anything else set here is refused at start-up (http/routerCheck.ts).
  sse: {
    client: { reconnectAfterInactivityMs: clientReconnectAfterInactivityMs },
  },
  errorFormatter({ shape, error, ctx }) {
    const internal = error.code === 'INTERNAL_SERVER_ERROR';
    const zodError =
      error.code === 'BAD_REQUEST' && error.cause instanceof ZodError
        ? z.flattenError(error.cause)
        : null;
    // An input a parser gave up on (JSON that is not JSON, a stack overflow on deep
    // nesting): the runtime's words mean nothing to a client, and may quote the input.
    const unreadable =
      error.code === 'BAD_REQUEST' &&
      (error.cause instanceof SyntaxError || error.cause instanceof RangeError);
    const retryAfterSeconds = error.cause instanceof RetryAfter ? error.cause.seconds : undefined;
    const { stack: _stack, ...data } = shape.data;
    return {
      ...shape,
      message: internal
        ? 'Something went wrong on our side. Please try again.'
        : unreadable
          ? unreadableInputMessage
          : shape.message,
      data: { ...data, zodError, retryAfterSeconds, requestId: ctx?.req.requestId },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const middleware = t.middleware;

/** Seconds a client waits before retrying while the database is away. */
const databaseRetryAfterSeconds = 1;

/** The cause of a database outage's 503: asks for Retry-After and keeps the driver's error. */
class DatabaseUnavailable extends RetryAfter {
  constructor(databaseError: unknown) {
    super(databaseRetryAfterSeconds);
    this.cause = databaseError;
  }
}

const unavailable = (databaseError: unknown) =>
  new TRPCError({
    code: 'SERVICE_UNAVAILABLE',
    message: 'The database is unavailable right now; retry shortly.',
    cause: new DatabaseUnavailable(databaseError),
  });

/** An unreachable or momentarily locked database becomes a clear, retryable SERVICE_UNAVAILABLE. */
function availability<T extends { ok: boolean; error?: TRPCError }>(result: T): T {
  if (!result.ok && isTransientDatabaseError(result.error?.cause)) {
    throw unavailable(result.error?.cause);
  }
  return result;
}

/** Every procedure: what the domain refused (a Refusal) answers as the TRPCError with its code. */
const refusals = t.procedure.use(async ({ next, type }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof Refusal) throw asTRPCError(result.error.cause);
  if (result.ok && type === 'subscription')
    return { ...result, data: convertingRefusals(result.data) };
  return result;
});

export const publicProcedure = refusals.use(async ({ next }) => availability(await next()));

/** The caller, from the bearer token, and the database's availability, in one step. */
export const protectedProcedure = refusals.use(async ({ ctx, next }) => {
  let user: UserDoc;
  try {
    user = ctx.user ?? (await authenticate(ctx.services, ctx.req.accessToken));
  } catch (e) {
    throw isTransientDatabaseError(e) ? unavailable(e) : e;
  }
  return availability(await next({ ctx: { ...ctx, user } }));
});

/** The live streams' view of a signed-in caller: the user and the token to re-check. */
export function viewerOf(ctx: Context & { user: UserDoc }): Viewer {
  return { user: ctx.user, accessToken: ctx.req.accessToken };
}

/**
 * A signed-in caller's mutation: `input` and `output` check what comes in and goes out
 * (synchronously, trpc/schemas.ts), and `run` is the one domain call it makes.
 */
export function userMutation<I extends z.ZodType, O extends z.ZodType>(
  input: I,
  output: O,
  run: (services: Services, user: UserDoc, input: z.output<I>) => Promise<z.input<O>>,
) {
  return protectedProcedure
    .input(parsed(input))
    .output(parsed(output))
    .mutation(
      // tRPC's types cannot see through a generic parser; the two above check both ends.
      ({ ctx, input: value }) =>
        run(ctx.services, ctx.user, value as z.output<I>) as Promise<never>,
    );
}
