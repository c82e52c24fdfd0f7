// A typed tRPC client for scripts (`@parley/server/client`): superjson, batched
// HTTP with the bearer token, subscriptions over SSE through the `eventsource`
// package (Node has no global EventSource), and a session that stays signed in
// across access-token expiry. Only `type AppRouter` comes from the server.
import {
  createTRPCClient,
  httpBatchLink,
  httpLink,
  httpSubscriptionLink,
  retryLink,
  splitLink,
  TRPCClientError,
} from '@trpc/client';
import { EventSource } from 'eventsource';
import superjson from 'superjson';
import type { AppRouter } from '../routers/app';
import { Credentials, type CredentialsOptions } from './credentials';
import { ask, type ReplyWatchOptions, watchReply } from './replies';

export type { AppRouter, RouterInputs, RouterOutputs } from '../routers/app';
export type { ReplyWatch, ReplyWatchOptions } from './replies';

export interface ParleyClientOptions extends CredentialsOptions {
  /** Where Parley runs, e.g. http://127.0.0.1:8000 (the tRPC endpoint is `/trpc` under it). */
  url: string;
}

function isUnauthorized(error: unknown): boolean {
  return error instanceof TRPCClientError && error.data?.code === 'UNAUTHORIZED';
}

const minStreamRetryGapMs = 1_000;

export function createParleyClient(opts: ParleyClientOptions) {
  const url = `${opts.url.replace(/\/+$/, '')}/trpc`;
  // Sign-in calls go without a token, on a client of their own.
  const authApi = createTRPCClient<AppRouter>({
    links: [httpLink({ url, transformer: superjson })],
  });
  const credentials = new Credentials(
    {
      login: (input) => authApi.auth.login.mutate(input),
      refresh: (input) => authApi.auth.refresh.mutate(input),
      logout: (input) => authApi.auth.logout.mutate(input),
    },
    opts,
  );

  /** When each subscription last reconnected after UNAUTHORIZED, by operation id. */
  const streamRetries = new Map<number, number>();
  const api = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: [
          retryLink({
            // The server ends a stream whose token expired: reconnect with a renewed one,
            // resuming after the last event. A renewed token refused at once ends it.
            retry: ({ op, error }) => {
              if (!isUnauthorized(error) || !credentials.canRenew()) return false;
              const now = Date.now();
              if (now - (streamRetries.get(op.id) ?? 0) < minStreamRetryGapMs) return false;
              streamRetries.set(op.id, now);
              credentials.expire();
              return true;
            },
          }),
          httpSubscriptionLink({
            url,
            transformer: superjson,
            EventSource,
            // Asked again on every reconnect, so a long subscription gets fresh tokens.
            connectionParams: async () => ({ token: (await credentials.token()) ?? '' }),
          }),
        ],
        false: [
          retryLink({
            // One retry after an UNAUTHORIZED answer, with a renewed token.
            retry: ({ error, attempts }) => {
              if (attempts > 1 || !isUnauthorized(error)) return false;
              credentials.expire();
              return true;
            },
          }),
          httpBatchLink({
            url,
            transformer: superjson,
            headers: async () => {
              const token = await credentials.token();
              return token ? { authorization: `Bearer ${token}` } : {};
            },
          }),
        ],
      }),
    ],
  });

  return {
    /** The typed tRPC client: `api.session.create.mutate(...)`, `api.message.onNew.subscribe(...)`. */
    api,
    /** Follows a session's next assistant reply: its text as it streams, then the final message. */
    watchReply: (sessionId: string, opts?: ReplyWatchOptions) => watchReply(api, sessionId, opts),
    /** Sends a message and follows the assistant's reply to it (`onText` gets each new piece). */
    ask: (sessionId: string, content: string, opts?: Omit<ReplyWatchOptions, 'afterSeq'>) =>
      ask(api, sessionId, content, opts),
    /** Logs in (with the given or configured credentials) and returns the user. */
    login: (username?: string, password?: string) => credentials.login(username, password),
    /** Revokes the refresh credential and forgets the tokens. */
    logout: () => credentials.logout(),
    /** The signed-in user, once logged in. */
    get user() {
      return credentials.user;
    },
  };
}

export type ParleyClient = ReturnType<typeof createParleyClient>;
