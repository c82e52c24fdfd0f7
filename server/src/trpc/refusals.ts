// The edge's half of lib/refusal.ts: a domain Refusal becomes the TRPCError with its
// code, message and cause (a RetryAfter stays readable to the error shape and the
// REST routes). Every procedure converts through `refusals` (trpc/init.ts): what it
// throws, and what its stream throws once it is running.
import { TRPCError } from '@trpc/server';
import { Refusal } from '../lib/refusal';

export function asTRPCError(e: unknown): unknown {
  if (!(e instanceof Refusal)) return e;
  const error = new TRPCError({ code: e.code, message: e.message, cause: e.cause ?? e });
  if (e.stack) error.stack = e.stack;
  return error;
}

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> =>
  typeof value === 'object' && value !== null && Symbol.asyncIterator in value;

/**
 * A stream whose failures arrive as TRPCErrors. It hands each call straight to the
 * stream's own iterator and adds no generator of its own, so a `return()` from a
 * client that left reaches the stream as it would without this wrapper (a native
 * generator still takes it once its pending `next()` settles; Parley's streams
 * also end on the request's abort signal).
 */
export function convertingRefusals(value: unknown): unknown {
  if (!isAsyncIterable(value)) return value;
  return {
    [Symbol.asyncIterator](): AsyncIterator<unknown> {
      const inner = value[Symbol.asyncIterator]();
      const converted = (step: Promise<IteratorResult<unknown>>) =>
        step.catch((e: unknown) => {
          throw asTRPCError(e);
        });
      return {
        next: (...args) => converted(inner.next(...args)),
        return: (v) =>
          converted(inner.return ? inner.return(v) : Promise.resolve({ done: true, value: v })),
        throw: (e) => converted(inner.throw ? inner.throw(e) : Promise.reject(e)),
      };
    },
  };
}
