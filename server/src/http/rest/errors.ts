// FastAPI-style error answers: `{ detail }` with the status a tRPC code maps to,
// and 422 with FastAPI's list of `{ loc, msg, type }` for invalid input.
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { ZodError } from 'zod';
import { RetryAfter } from '../../lib/retryAfter';

export interface FieldError {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/** An error the REST layer answers as is. */
export class RestError extends Error {
  override name = 'RestError';
  constructor(
    readonly status: number,
    readonly detail: string | FieldError[],
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof detail === 'string' ? detail : 'Unprocessable Entity');
  }
}

export const unprocessable = (errors: FieldError[]) => new RestError(422, errors);

/** Where each input field of a procedure came from in the REST request, e.g. `id` → path `session_id`. */
export type FieldPlaces = Record<string, (string | number)[]>;

function zodToFieldErrors(error: ZodError, places: FieldPlaces): FieldError[] {
  return error.issues.map((issue) => {
    const [first, ...rest] = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    const loc =
      first === undefined ? ['body'] : [...(places[String(first)] ?? ['body', first]), ...rest];
    return { loc, msg: issue.message, type: issue.code };
  });
}

/** The REST answer for an error thrown by a procedure; null for one that is ours to hide. */
export function fromTrpcError(error: TRPCError, places: FieldPlaces): RestError | null {
  if (error.code === 'BAD_REQUEST' && error.cause instanceof ZodError) {
    return unprocessable(zodToFieldErrors(error.cause, places));
  }
  if (error.code === 'INTERNAL_SERVER_ERROR') return null;
  const status = getHTTPStatusCodeFromError(error);
  const headers: Record<string, string> = {};
  if (status === 401) headers['www-authenticate'] = 'Bearer';
  if (error.cause instanceof RetryAfter) headers['retry-after'] = String(error.cause.seconds);
  return new RestError(status, error.message, headers);
}

export function isTrpcError(e: unknown): e is TRPCError {
  return e instanceof TRPCError;
}
