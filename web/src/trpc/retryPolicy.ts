// When tRPC's retryLink tries a call again: once after UNAUTHORIZED, with a renewed
// token; a live stream after it fails, with backoff (retryLink resumes it after its
// last event). One renewal serves every call the server refused with one token, and
// the live socket's refusal (./liveSocket) shares it.
import type { Operation, TRPCClientError } from '@trpc/client';
import type { AppRouter } from './types';

export interface LinkAuth {
  /** The access token in hand; null when signed out. */
  token: () => string | null;
  /** Renews the access token; false when the person is signed out. */
  renew: () => Promise<boolean>;
}

export interface RetryOptions {
  /** Delay before reconnect `n` (1-based) of a stream failing again and again. */
  reconnectDelayMs?: (failures: number) => number;
  now?: () => number;
}

type RetryArgs = { op: Operation; error: TRPCClientError<AppRouter>; attempts: number };

/** What one call has sent; an operation keeps its context across retries. */
interface Sent {
  token: string | null;
  at: number;
  /** When a stream last reconnected after UNAUTHORIZED. */
  renewedAt?: number;
  failures: number;
}

/** Errors a stream cannot recover from by reconnecting. */
const finalCodes = new Set(['BAD_REQUEST', 'NOT_FOUND', 'FORBIDDEN', 'PRECONDITION_FAILED']);
/** A stream refused again this soon after reconnecting with a renewed token ends. */
const minRenewGapMs = 1_000;
/** A stream that stayed up this long starts its backoff over. */
const stableMs = 30_000;

const backoff = (failures: number) => Math.min(15_000, 500 * 2 ** (failures - 1));
/** The sign-in calls themselves are never renewed, so renewal cannot loop on itself. */
const isSignInCall = (op: Operation) => op.path.startsWith('auth.') && op.path !== 'auth.me';

export function retryPolicy(auth: LinkAuth, opts: RetryOptions = {}) {
  const now = opts.now ?? Date.now;
  const reconnectDelay = opts.reconnectDelayMs ?? backoff;
  const sent = new WeakMap<object, Sent>();
  let renewing: { refused: string; done: Promise<unknown> } | null = null;
  // retryLink asks for the delay right after `retry` says yes: this is the stream's.
  let nextDelayMs = 0;

  /** Renews once for all calls refused with `token`; one refused with an older token just retries. */
  function refused(token: string): void {
    if (token !== auth.token() || renewing?.refused === token) return;
    const done = auth
      .renew()
      .catch(() => false)
      .finally(() => {
        if (renewing?.done === done) renewing = null;
      });
    renewing = { refused: token, done };
  }

  function note(ops: readonly Operation[], token: string | null): void {
    for (const op of ops) {
      const last = sent.get(op.context);
      sent.set(op.context, { failures: 0, ...last, token, at: now() });
    }
  }

  /** The token for a call's next attempt, after any renewal in flight. */
  async function tokenFor(ops: readonly Operation[]): Promise<string | null> {
    await renewing?.done;
    const token = auth.token();
    note(ops, token);
    return token;
  }

  const codeOf = (error: TRPCClientError<AppRouter>) => error.data?.code;

  return {
    tokenFor,
    /** A live stream is (re)opened on the socket, which carries the token. */
    opened: (op: Operation) => note([op], auth.token()),
    /** The token for the live socket's next connection, after any renewal in flight. */
    async socketToken(): Promise<string | null> {
      await renewing?.done;
      return auth.token();
    },
    /** The server closed the live socket for `token`: renew it (once) before it reconnects. */
    socketRefused: (token: string) => refused(token),
    /** Queries and mutations: once, after UNAUTHORIZED, with a renewed token. */
    callRetry: {
      retry({ op, error, attempts }: RetryArgs): boolean {
        const token = sent.get(op.context)?.token;
        if (attempts > 1 || codeOf(error) !== 'UNAUTHORIZED' || isSignInCall(op) || !token) {
          return false;
        }
        refused(token);
        return true;
      },
    },
    /** Live streams: reconnect after UNAUTHORIZED with a renewed token, and after failures with backoff. */
    streamRetry: {
      retry({ op, error }: RetryArgs): boolean {
        const last = sent.get(op.context);
        const code = codeOf(error);
        if (!last || finalCodes.has(code ?? '')) return false;
        const at = now();
        if (code === 'UNAUTHORIZED') {
          const soon = last.renewedAt !== undefined && at - last.renewedAt < minRenewGapMs;
          if (!last.token || soon) return false;
          last.renewedAt = at;
          refused(last.token);
          nextDelayMs = 0;
          return true;
        }
        last.failures = at - last.at > stableMs ? 1 : last.failures + 1;
        nextDelayMs = reconnectDelay(last.failures);
        return true;
      },
      retryDelayMs: () => nextDelayMs,
    },
  };
}
