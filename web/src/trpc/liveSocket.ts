// The tab's one live socket (tRPC's WebSocket client): opened with the first live
// view and closed a while after the last. It signs in with the access token in
// connectionParams; when the server closes it for that token (4401: expired, refused,
// signed out), the next connection renews the token first. A socket closed soon after
// it was asked for, again and again (refused, the server full, a proxy that drops it),
// waits longer each time before the next. Its views resume after their last event.
import { createWSClient, type TRPCWebSocketClient } from '@trpc/client';
import { promptlyClosing } from './promptClose';
import type { retryPolicy } from './retryPolicy';

/** The close code of a socket whose token no longer holds (server/src/http/liveSockets.ts). */
export const signInAgain = 4401;

export interface LiveSocketOptions {
  /** ws:// or wss:// address; the page's own host by default. */
  url?: string;
  WebSocket?: typeof WebSocket;
  /** Delay before reconnect attempt `n` (0-based) after the socket closed. */
  retryDelayMs?: (attempt: number) => number;
}

/** Reconnects after the server closed the socket for other reasons (a restart, the network). */
const backoff = (attempt: number) =>
  attempt === 0 ? 0 : Math.min(15_000, 500 * 2 ** (attempt - 1));

/** A socket closed this soon after it was asked for counts as closed again in a row. */
const stableMs = 5_000;

/** The wait before connecting after `closes` quick closes in a row: none after the first. */
const quickCloseDelayMs = (closes: number) =>
  closes <= 1 ? 0 : Math.min(15_000, 500 * 2 ** (closes - 2));

/** The API's address on the page's own host (the server serves sockets at /trpc). */
function pageUrl(): string {
  const { protocol, host } = window.location;
  return `${protocol === 'https:' ? 'wss' : 'ws'}://${host}/trpc`;
}

type Policy = Pick<ReturnType<typeof retryPolicy>, 'socketToken' | 'socketRefused'>;

export function liveSocket(policy: Policy, opts: LiveSocketOptions = {}): TRPCWebSocketClient {
  /** The token the socket last signed in with. */
  let signedInWith: string | null = null;
  let quickCloses = 0;
  let askedAt = 0;
  return createWSClient({
    // Asked before every connection: the wait after quick closes, then the token
    // (renewed first if the last one was refused).
    url: async () => {
      const wait = quickCloseDelayMs(quickCloses);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      askedAt = Date.now();
      signedInWith = await policy.socketToken();
      return opts.url ?? pageUrl();
    },
    connectionParams: () => ({ token: signedInWith ?? '' }),
    WebSocket: opts.WebSocket ?? promptlyClosing(WebSocket),
    lazy: { enabled: true, closeMs: 10_000 },
    // A socket silent for 10 s is asked for a PONG; one that gives none in 5 s is lost.
    keepAlive: { enabled: true, intervalMs: 10_000, pongTimeoutMs: 5_000 },
    retryDelayMs: opts.retryDelayMs ?? backoff,
    onClose: (cause) => {
      quickCloses = Date.now() - askedAt > stableMs ? 1 : quickCloses + 1;
      if (cause?.code === signInAgain && signedInWith) policy.socketRefused(signedInWith);
    },
  });
}
