// Subscriptions outlive the request that opened them: re-check the caller's token
// now and then, and end the stream with UNAUTHORIZED once it has expired or been revoked.
import { authenticate } from '../auth/authenticate';
import type { Context } from '../trpc/context';

export const recheckEveryMs = 30_000;

export function authChecker(ctx: Context): () => Promise<void> {
  const token = ctx.req.accessToken;
  let next = Date.now() + recheckEveryMs;
  return async () => {
    if (!token || Date.now() < next) return;
    next = Date.now() + recheckEveryMs;
    await authenticate(ctx.services, token);
  };
}
