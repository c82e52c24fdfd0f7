// The transports: live views (subscriptions) over one WebSocket per tab, everything
// else through the plain batch link, whose responses keep Set-Cookie headers (the
// streaming batch link would lose the refresh cookie of auth mutations). A browser
// gives all its tabs six HTTP/1.1 connections per host; an SSE stream held one each,
// so three tabs froze. Sockets are not counted against them.
// The access token goes in the Authorization header of calls and in the socket's
// connectionParams, never in a URL, where proxies and access logs keep it. The server
// closes a socket whose token expired or was refused (liveSocket.ts); it reconnects
// with a renewed one and its streams resume after their last event.
// tRPC's retryLink in front of each renews the token after UNAUTHORIZED (retryPolicy).
import { httpBatchLink, retryLink, splitLink, type TRPCLink, wsLink } from '@trpc/client';
import superjson from 'superjson';
import { type LiveSocketOptions, liveSocket } from './liveSocket';
import { type LinkAuth, type RetryOptions, retryPolicy } from './retryPolicy';
import type { AppRouter } from './types';

export type { LinkAuth } from './retryPolicy';

export const apiUrl = '/trpc';

const bearer = (token: string | null): Record<string, string> =>
  token ? { authorization: `Bearer ${token}` } : {};

export function createLinks(
  auth: LinkAuth,
  retry: RetryOptions = {},
  live: LiveSocketOptions = {},
): TRPCLink<AppRouter>[] {
  const policy = retryPolicy(auth, retry);
  const socket = liveSocket(policy, live);
  return [
    splitLink({
      condition: (op) => op.type === 'subscription',
      true: [
        retryLink(policy.streamRetry),
        // What each stream was opened with, for the retry policy's backoff.
        () =>
          ({ op, next }) => {
            policy.opened(op);
            return next(op);
          },
        wsLink({ client: socket, transformer: superjson }),
      ],
      false: [
        retryLink(policy.callRetry),
        httpBatchLink({
          url: apiUrl,
          transformer: superjson,
          maxURLLength: 2_000,
          headers: async ({ opList }) => bearer(await policy.tokenFor(opList)),
        }),
      ],
    }),
  ];
}
