// The one initTRPC: transformer, error shape, procedures. Routers build on these
// and never touch process.env or raw HTTP.
import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError, z } from 'zod';
import { authenticate } from '../auth/authenticate';
import { isTransientDatabaseError } from '../db/errors';
import type { Context } from './context';
import { RetryAfter } from './retryAfter';
import { transformer } from './transformer';

const t = initTRPC.context<Context>().create({
  transformer,
  // Streams are written by http/subscriptions.ts: it hands `client` to every client (one
  // that hears nothing for 40 s reconnects) and pings quiet streams every config.live.pingMs.
  // Each stream ends itself after config.live.streamMaxMs (realtime/feed.ts), so the
  // client reconnects and resumes from its last id.
  sse: {
    client: { reconnectAfterInactivityMs: 40_000 },
  },
  errorFormatter({ shape, error, ctx }) {
    const internal = error.code === 'INTERNAL_SERVER_ERROR';
    const zodError =
      error.code === 'BAD_REQUEST' && error.cause instanceof ZodError
        ? z.flattenError(error.cause)
        : null;
    const retryAfterSeconds = error.cause instanceof RetryAfter ? error.cause.seconds : undefined;
    const { stack: _stack, ...data } = shape.data;
    return {
      ...shape,
      message: internal ? 'Something went wrong on our side. Please try again.' : shape.message,
      data: { ...data, zodError, retryAfterSeconds, requestId: ctx?.req.requestId },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const middleware = t.middleware;

/** Turns an unreachable or momentarily locked database into a clear, retryable SERVICE_UNAVAILABLE. */
const databaseAvailability = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && isTransientDatabaseError(result.error.cause)) {
    throw new TRPCError({
      code: 'SERVICE_UNAVAILABLE',
      message: 'The database is unavailable right now; retry shortly.',
      cause: result.error.cause,
    });
  }
  return result;
});

export const publicProcedure = t.procedure.use(databaseAvailability);

export const protectedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const user = ctx.user ?? (await authenticate(ctx.services, ctx.req.accessToken));
  return next({ ctx: { ...ctx, user } });
});
