// Reading tRPC errors the way the UI needs them: a code, field messages from the
// server's zodError, and a sentence a person can act on.
import { refusalCodes } from '@parley/shared';
import { TRPCClientError } from '@trpc/client';
import type { AppRouter } from './types';

/** What the server's error formatter adds to every error, inferred from the router. */
type ErrorData = NonNullable<TRPCClientError<AppRouter>['data']>;

function dataOf(error: unknown): ErrorData | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  return (error as TRPCClientError<AppRouter>).data ?? undefined;
}

/** The tRPC error code ('UNAUTHORIZED', 'BAD_REQUEST', …), or undefined for network failures. */
export function errorCode(error: unknown): ErrorData['code'] | undefined {
  return dataOf(error)?.code;
}

/** Field name → first message, from the server's input validation. */
export function fieldErrors(error: unknown): Record<string, string> {
  // z.flattenError of an unknown schema types its fields as {}: they are lists of messages.
  const fields: Record<string, string[] | undefined> = dataOf(error)?.zodError?.fieldErrors ?? {};
  const out: Record<string, string> = {};
  for (const [name, messages] of Object.entries(fields)) {
    if (messages?.[0]) out[name] = messages[0];
  }
  return out;
}

export function retryAfterSeconds(error: unknown): number | undefined {
  return dataOf(error)?.retryAfterSeconds;
}

/** True when the request never got an answer from the API (offline, server down). */
export function isNetworkError(error: unknown): boolean {
  return error instanceof TRPCClientError ? !error.data : error instanceof TypeError;
}

/**
 * Whether a failed query is asked again: twice when Parley could not be reached
 * or failed, never when it refused. `busyTries` more for TOO_MANY_REQUESTS,
 * for a query refused only while the caller's others are running (search).
 */
export function retryQuery(count: number, error: unknown, busyTries = 0): boolean {
  if (isNetworkError(error)) return count < 2;
  const code = errorCode(error) ?? '';
  if (code === 'TOO_MANY_REQUESTS') return count < busyTries;
  return count < 2 && !refusalCodes.has(code);
}

/** A message for a person: the server's own words, or what to do when it could not be reached. */
export function describeError(error: unknown): string {
  if (isNetworkError(error)) return 'Could not reach Parley. Check your connection and try again.';
  const zod = dataOf(error)?.zodError;
  const first = zod?.formErrors[0] ?? Object.values(fieldErrors(error))[0];
  if (first) return first;
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong. Please try again.';
}
