/**
 * The tRPC codes by which Parley refuses a request for what it asks or who asks
 * it, never for a fault of its own: retrying it unchanged at once cannot help.
 */
export const refusalCodes: ReadonlySet<string> = new Set([
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'PRECONDITION_FAILED',
  'TOO_MANY_REQUESTS',
]);
