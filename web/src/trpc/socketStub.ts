// A stand-in for the API's live socket in the link tests: tRPC's own ws adapter on a
// local port, whose message.onNew yields the events a test gives for each time it is
// subscribed, and may close the socket as the server does (liveSockets.ts's codes).
import type { AddressInfo } from 'node:net';
import { initTRPC, TRPCError, tracked } from '@trpc/server';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import superjson from 'superjson';
import { WebSocket, WebSocketServer } from 'ws';

/** One subscription as the server saw it. */
export interface Subscribed {
  token: string | undefined;
  lastEventId: string | undefined;
  /** The socket's address, as the client asked for it. */
  url: string;
}

/** Data with an id, the error that ends the stream, or the socket closed with a code. */
export type SocketEvent =
  | { id: string; data: unknown }
  | { refuse: TRPC_ERROR_CODE_KEY }
  | { closeSocket: number };

interface Ctx {
  token: string | undefined;
  socket: WebSocket;
  url: string;
}

export async function socketStub(stream: (n: number, sub: Subscribed) => SocketEvent[]) {
  const t = initTRPC.context<Ctx>().create({ transformer: superjson });
  const subscribed: Subscribed[] = [];
  const router = t.router({
    message: t.router({
      onNew: t.procedure
        .input((v) => v as { sessionId: string; lastEventId?: string })
        .subscription(async function* ({ ctx, input, signal }) {
          const sub = { token: ctx.token, lastEventId: input.lastEventId, url: ctx.url };
          subscribed.push(sub);
          for (const e of stream(subscribed.length, sub)) {
            if ('refuse' in e) throw new TRPCError({ code: e.refuse, message: e.refuse });
            if ('closeSocket' in e) {
              ctx.socket.close(e.closeSocket);
              return;
            }
            yield tracked(e.id, e.data);
          }
          await new Promise((resolve) => signal?.addEventListener('abort', resolve));
        }),
    }),
  });
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => wss.once('listening', resolve));
  applyWSSHandler({
    wss,
    router,
    createContext: ({ req, res, info }) => ({
      token: (info.connectionParams as { token?: string } | null)?.token,
      socket: res,
      url: req.url ?? '',
    }),
  });
  const { port } = wss.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/trpc`,
    subscribed,
    /** The options createLinks takes to reach this stub. */
    live: {
      url: `ws://127.0.0.1:${port}/trpc`,
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    },
    /** Closes every socket with `code`, as a server would. */
    drop: (code: number) => {
      for (const ws of wss.clients) ws.close(code);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close(() => resolve());
      }),
  };
}
