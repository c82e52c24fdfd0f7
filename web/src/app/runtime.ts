// Everything the app holds for one page load: the sign-in, its renewal, the query
// cache and the API client. Built once in main.tsx; tests build their own.
import { QueryClient } from '@tanstack/react-query';
import { CredentialStore } from '../auth/credentials';
import { TokenRenewal } from '../auth/renewal';
import { browserTabSync } from '../auth/tabSync';
import { forgetDrafts } from '../chat/drafts';
import { forgetOutbox } from '../chat/outboxStore';
import { authClient } from '../trpc/authClient';
import { retryQuery } from '../trpc/errors';
import { createLinks } from '../trpc/links';
import { trpc } from '../trpc/trpc';

export function createRuntime() {
  const store = new CredentialStore();
  const renewal = new TokenRenewal({
    store,
    refresh: () => authClient.auth.refresh.mutate(),
    tabs: browserTabSync(),
    forget: (userId) => {
      forgetDrafts(userId);
      forgetOutbox(userId);
    },
  });
  const queryClient = new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        retry: (count, error) => retryQuery(count, error),
      },
      mutations: { retry: false },
    },
  });
  const trpcClient = trpc.createClient({
    links: createLinks({
      token: () => store.token(),
      renew: async () => (await renewal.renew()) === 'renewed',
    }),
  });
  return { store, renewal, queryClient, trpcClient };
}

export type Runtime = ReturnType<typeof createRuntime>;
