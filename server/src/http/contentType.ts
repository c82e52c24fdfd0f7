// A tRPC call's body is JSON. tRPC's adapter also reads multipart/form-data bodies (as
// FormData) and application/octet-stream ones (as a stream), which no Parley procedure
// takes: a session.create sent so ran on an input it never saw, while text/plain or a
// form got 415. Every body that is not JSON, and one with no type, now gets the same 415
// here, before it is read.
import type { ServerResponse } from 'node:http';
import { getTRPCErrorShape, TRPCError, transformTRPCResponse } from '@trpc/server';
import { sendJson } from './json';
import { routerConfig } from './procedures';

/**
 * `application/json`, with or without parameters, in any case (RFC 9110): what
 * tRPC's links send. tRPC's JSON reader matches only the lower-case prefix, so
 * the handler passes the type on lower-cased.
 */
export function isJsonType(contentType: string | undefined): boolean {
  return contentType?.split(';', 1)[0]?.trim().toLowerCase() === 'application/json';
}

/** The 415 in tRPC's shape, as tRPC words a refusal that comes before any call. */
export function refuseContentType(res: ServerResponse): void {
  const error = new TRPCError({
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'A call takes a JSON body: Content-Type must be application/json.',
  });
  const shape = getTRPCErrorShape({
    config: routerConfig,
    ctx: undefined,
    error,
    input: undefined,
    path: undefined,
    type: 'unknown',
  });
  sendJson(res, 415, transformTRPCResponse(routerConfig, { error: shape }), {
    vary: 'trpc-accept, accept',
    // The body is not read: the connection ends with this answer.
    connection: 'close',
  });
}
