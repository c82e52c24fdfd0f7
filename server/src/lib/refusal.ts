// What the domain throws when it refuses a request: a code and a message for the
// person. The codes are the ones Parley's API speaks (API.md); the edge turns a
// Refusal into its transport's error (trpc/refusals.ts: a TRPCError, whose code the
// REST routes and the SSE writer map on), so chat/, auth/ and realtime/ never
// import a transport. `cause` carries details the edge reads, such as a RetryAfter.

export type RefusalCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PRECONDITION_FAILED'
  | 'PAYLOAD_TOO_LARGE'
  | 'TOO_MANY_REQUESTS'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR';

export class Refusal extends Error {
  readonly code: RefusalCode;

  constructor(opts: { code: RefusalCode; message: string; cause?: unknown }) {
    super(opts.message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'Refusal';
    this.code = opts.code;
  }
}
