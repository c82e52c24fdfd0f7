// A tRPC client whose subscriptions go over one WebSocket, as a web app tab's do, and
// the close codes its socket saw.
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import superjson from 'superjson';
import WebSocket from 'ws';
import type { AppRouter } from '../../src/routers/app';

export interface SocketClient {
  client: ReturnType<typeof createTRPCClient<AppRouter>>;
  /** The close codes the socket saw, oldest first. */
  closes: number[];
  /** Drops the socket as a network would; the client reconnects after `retryDelayMs`. */
  drop(): void;
  close(): Promise<void>;
}

export const socketUrl = (baseUrl: string) => `${baseUrl.replace(/^http/, 'ws')}/trpc`;

/** `token` is asked on every (re)connect, as the web app's renewal would answer it. */
export function socketClient(
  baseUrl: string,
  token: () => string,
  retryDelayMs = 200,
): SocketClient {
  const closes: number[] = [];
  const wsClient = createWSClient({
    url: socketUrl(baseUrl),
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    connectionParams: () => ({ token: token() }),
    retryDelayMs: () => retryDelayMs,
    onClose: (cause) => closes.push(cause?.code ?? 0),
  });
  return {
    client: createTRPCClient<AppRouter>({
      links: [wsLink({ client: wsClient, transformer: superjson })],
    }),
    closes,
    drop: () => wsClient.connection?.ws?.close(),
    close: () => wsClient.close(),
  };
}
