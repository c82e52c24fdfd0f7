// The transports: subscriptions over SSE, everything else through the plain batch
// link, whose responses keep Set-Cookie headers (the streaming batch link would
// lose the refresh cookie of auth mutations). Both send the access token in the
// Authorization header, never in a URL, where proxies and access logs keep it.
// tRPC's retryLink in front of each renews the token after UNAUTHORIZED (retryPolicy).
import {
  httpBatchLink,
  httpSubscriptionLink,
  retryLink,
  splitLink,
  type TRPCLink,
} from '@trpc/client';
import { EventSource } from 'eventsource';
import superjson from 'superjson';
import { type LinkAuth, type RetryOptions, retryPolicy } from './retryPolicy';
import type { AppRouter } from './types';

export type { LinkAuth } from './retryPolicy';

export const apiUrl = '/trpc';

const bearer = (token: string | null): Record<string, string> =>
  token ? { authorization: `Bearer ${token}` } : {};

export function createLinks(auth: LinkAuth, retry: RetryOptions = {}): TRPCLink<AppRouter>[] {
  const policy = retryPolicy(auth, retry);
  return [
    splitLink({
      condition: (op) => op.type === 'subscription',
      true: [
        retryLink(policy.streamRetry),
        httpSubscriptionLink({
          url: apiUrl,
          transformer: superjson,
          // The browser's EventSource cannot send headers: this one runs on fetch, which
          // asks for the current token on every (re)connect.
          EventSource,
          eventSourceOptions: ({ op }) => ({
            fetch: async (url, init) =>
              fetch(url, {
                ...init,
                headers: { ...init.headers, ...bearer(await policy.tokenFor([op])) },
              }),
          }),
        }),
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
