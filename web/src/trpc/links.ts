// The transports: subscriptions over SSE (token in connectionParams), everything
// else through the plain batch link, whose responses keep Set-Cookie headers (the
// streaming batch link would lose the refresh cookie of auth mutations).
import { httpBatchLink, httpSubscriptionLink, splitLink, type TRPCLink } from '@trpc/client';
import superjson from 'superjson';
import { authRetryLink } from './authRetryLink';
import type { AppRouter } from './types';

export const apiUrl = '/trpc';

export interface LinkAuth {
  token: () => string | null;
  renew: () => Promise<boolean>;
}

export function createLinks(auth: LinkAuth): TRPCLink<AppRouter>[] {
  return [
    authRetryLink({ renew: auth.renew }),
    splitLink({
      condition: (op) => op.type === 'subscription',
      true: httpSubscriptionLink({
        url: apiUrl,
        transformer: superjson,
        connectionParams: () => ({ token: auth.token() ?? '' }),
      }),
      false: httpBatchLink({
        url: apiUrl,
        transformer: superjson,
        maxURLLength: 2_000,
        headers: () => {
          const token = auth.token();
          return token ? { authorization: `Bearer ${token}` } : {};
        },
      }),
    }),
  ];
}
