// A link in front of the transports: after UNAUTHORIZED it renews the access token
// and tries once more; a subscription that drops reconnects with backoff, resuming
// after the last event it delivered.
import type { TRPCClientError, TRPCLink } from '@trpc/client';
import { observable } from '@trpc/server/observable';
import type { AppRouter } from './types';

export interface AuthRetryOptions {
  /** Renews the access token; false when the person is signed out. */
  renew: () => Promise<boolean>;
  /** Delay before reconnect attempt `n` (1-based) of a dropped subscription. */
  reconnectDelayMs?: (attempt: number) => number;
}

/** Errors a subscription cannot recover from by reconnecting. */
const finalCodes = new Set(['BAD_REQUEST', 'NOT_FOUND', 'FORBIDDEN', 'PRECONDITION_FAILED']);

function codeOf(error: TRPCClientError<AppRouter>): string | undefined {
  return (error.data as { code?: string } | undefined)?.code;
}

function withLastEventId(input: unknown, lastEventId: string | undefined): unknown {
  if (!lastEventId) return input;
  return { ...(input && typeof input === 'object' ? input : {}), lastEventId };
}

const backoff = (attempt: number) => Math.min(15_000, 500 * 2 ** (attempt - 1));

export function authRetryLink(opts: AuthRetryOptions): TRPCLink<AppRouter> {
  const reconnectDelay = opts.reconnectDelayMs ?? backoff;
  return () =>
    ({ op, next }) =>
      observable((observer) => {
        const isSubscription = op.type === 'subscription';
        const isAuthCall = op.path.startsWith('auth.') && op.path !== 'auth.me';
        let lastEventId: string | undefined;
        let renewedOnce = false;
        let failures = 0;
        let timer: ReturnType<typeof setTimeout> | undefined;
        let current: { unsubscribe(): void } | undefined;
        let closed = false;

        const attempt = () => {
          if (closed) return;
          const input = isSubscription ? withLastEventId(op.input, lastEventId) : op.input;
          current = next({ ...op, input }).subscribe({
            next(envelope) {
              const result = envelope.result as { type?: string; id?: string };
              if (result.type === 'started') {
                renewedOnce = false;
                failures = 0;
              }
              if ((!result.type || result.type === 'data') && result.id) lastEventId = result.id;
              observer.next(envelope);
            },
            error(error) {
              const code = codeOf(error);
              if (code === 'UNAUTHORIZED' && !isAuthCall && !renewedOnce) {
                renewedOnce = true;
                opts.renew().then(
                  (ok) => (ok ? attempt() : observer.error(error)),
                  () => observer.error(error),
                );
                return;
              }
              if (isSubscription && code !== 'UNAUTHORIZED' && !finalCodes.has(code ?? '')) {
                failures += 1;
                observer.next({ result: { type: 'state', state: 'connecting', error } });
                timer = setTimeout(attempt, reconnectDelay(failures));
                return;
              }
              observer.error(error);
            },
            complete() {
              observer.complete();
            },
          });
        };
        attempt();
        return () => {
          closed = true;
          clearTimeout(timer);
          current?.unsubscribe();
        };
      });
}
