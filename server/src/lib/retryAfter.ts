/** Carried as a Refusal's (or a TRPCError's) cause: how long to wait before trying again. */
export class RetryAfter extends Error {
  constructor(readonly seconds: number) {
    super(`retry after ${seconds} s`);
  }
}
