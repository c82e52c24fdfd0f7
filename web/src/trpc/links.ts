// The transports: subscriptions over SSE, everything else through the plain batch
// link, whose responses keep Set-Cookie headers (the streaming batch link would
// lose the refresh cookie of auth mutations). Both send the access token in the
// Authorization header, never in a URL, where proxies and access logs keep it.
import { httpBatchLink, httpSubscriptionLink, splitLink, type TRPCLink } from '@trpc/client';
import { EventSource } from 'eventsource';
import superjson from 'superjson';
import { authRetryLink } from './authRetryLink';
import type { AppRouter } from './types';

export const apiUrl = '/trpc';

export interface LinkAuth {
  token: () => string | null;
  renew: () => Promise<boolean>;
}

export function createLinks(auth: LinkAuth): TRPCLink<AppRouter>[] {
  const authorization = (): Record<string, string> => {
    const token = auth.token();
    return token ? { authorization: `Bearer ${token}` } : {};
  };
  return [
    authRetryLink({ renew: auth.renew }),
    splitLink({
      condition: (op) => op.type === 'subscription',
      true: httpSubscriptionLink({
        url: apiUrl,
        transformer: superjson,
        // The browser's EventSource cannot send headers: this one runs on fetch, which
        // asks for the current token on every (re)connect.
        EventSource,
        eventSourceOptions: () => ({
          fetch: (url, init) =>
            fetch(url, { ...init, headers: { ...init.headers, ...authorization() } }),
        }),
      }),
      false: httpBatchLink({
        url: apiUrl,
        transformer: superjson,
        maxURLLength: 2_000,
        headers: authorization,
      }),
    }),
  ];
}
