// What the endpoint's own writers (./queries, ./subscriptions) cannot honour, refused
// at start-up instead of ignored: they find procedures by path once, so a lazy()
// router would be invisible to them, and they take the SSE ping interval and stream
// lifetime from config.live, so initTRPC's own `sse` settings must not say otherwise.
import type { AnyTRPCRouter } from '@trpc/server';

/** The `sse` keys the writer reads from initTRPC: the options it hands each client. */
const honoured = new Set(['client']);

export function checkRouterForWriters(router: AnyTRPCRouter, live: { pingMs: number }): void {
  const lazy = Object.keys(router._def.lazy);
  if (lazy.length > 0) {
    throw new Error(
      `The app router has lazy() routers (${lazy.join(', ')}). Parley's query and subscription ` +
        'writers find procedures by path at start-up and cannot see into them: import those routers directly.',
    );
  }
  const sse: Record<string, unknown> = router._def._config.sse ?? {};
  const ignored = Object.keys(sse).filter(
    (k) => sse[k] !== undefined && !honoured.has(k) && !(k === 'enabled' && sse[k] === true),
  );
  if (ignored.length > 0) {
    throw new Error(
      `initTRPC's sse.${ignored.join(', sse.')} would be ignored: http/subscriptions.ts writes the ` +
        'streams. Set LIVE_PING_MS (ping interval) and LIVE_STREAM_MAX_MS (stream lifetime) instead.',
    );
  }
  const reconnect = (sse.client as { reconnectAfterInactivityMs?: number } | undefined)
    ?.reconnectAfterInactivityMs;
  if (reconnect !== undefined && live.pingMs >= reconnect) {
    throw new Error(
      `LIVE_PING_MS (${live.pingMs}) must be below the clients' reconnect-after-inactivity ` +
        `(${reconnect} ms), or every quiet stream reconnects.`,
    );
  }
}
