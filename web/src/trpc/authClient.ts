// A plain client for the calls that manage the sign-in itself (login, register,
// refresh, logout): no bearer token, no retry, so renewal can never loop on itself.
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import superjson from 'superjson';
import { apiUrl } from './links';
import type { AppRouter } from './types';

export const authClient = createTRPCClient<AppRouter>({
  links: [httpBatchLink({ url: apiUrl, transformer: superjson, maxItems: 1 })],
});
