// The web app's live views over one WebSocket per tab: tRPC's ws adapter on the HTTP
// server's port, at /trpc, serving the router's subscriptions only (queries and
// mutations stay on HTTP, with its limits and cookies). A browser gives all its tabs 6
// HTTP/1.1 connections per host and every SSE stream holds one; sockets are not counted
// against them. SSE (./subscriptions) stays as it is for scripts and other clients.
//
// A socket says who it is once, in connectionParams ({ token }), checked at once. It is
// closed with `closeCodes.signIn` when that token expires, is refused or is revoked (the
// streams' own re-checks, realtime/liveAuth.ts, refuse it); the client then reconnects
// with a renewed token and its subscriptions resume after their last event.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type AnyTRPCRouter, TRPCError } from '@trpc/server';
import { getWSConnectionHandler } from '@trpc/server/adapters/ws';
import { type WebSocket, WebSocketServer } from 'ws';
import { authenticate } from '../auth/authenticate';
import { isTransientDatabaseError } from '../db/errors';
import { idString } from '../db/ids';
import { expiryOf } from '../realtime/liveAuth';
import { appRouter } from '../routers/app';
import type { Services } from '../services';
import { type Context, createContextInner } from '../trpc/context';
import { asTRPCError } from '../trpc/refusals';
import { logFailure } from './procedures';
import { clientAddress, isSameSiteRequest } from './requestInfo';
import { SocketCounts } from './socketCounts';
import { subscriptionPaths } from './subscriptions';

export const livePath = '/trpc';

/** How a socket is closed, and what its client makes of it. */
export const closeCodes = {
  /** The token expired or was refused: renew it, then reconnect. */
  signIn: 4401,
  /** connectionParams did not come in time. */
  silent: 4408,
  /** The user holds LIVE_SOCKETS_PER_USER sockets already: reconnect later. */
  tooMany: 4429,
  /** The database did not answer: reconnect later. */
  tryAgain: 1013,
  /** The server is stopping: reconnect (to it once it is back, or to another). */
  restarting: 1012,
} as const;

/** How long an opened socket may take to send its connectionParams. */
const helloMs = 10_000;
/** Incoming messages are subscription requests: small. */
const maxMessageBytes = 64 * 1024;

/** The app router with its subscriptions only: a query or mutation sent here is NOT_FOUND. */
const subscriptionsOnly: AnyTRPCRouter = {
  ...appRouter,
  _def: {
    ...appRouter._def,
    procedures: Object.fromEntries(
      Object.entries(appRouter._def.procedures as Record<string, unknown>).filter(([path]) =>
        subscriptionPaths.has(path),
      ),
    ),
    record: {},
  },
} as unknown as AnyTRPCRouter;

const isAbortError = (e: unknown) =>
  typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'AbortError';

function tokenOf(params: unknown): string | null {
  const token = (params as { token?: unknown } | null)?.token;
  return typeof token === 'string' && token.length > 0 ? token : null;
}

function refuse(socket: Duplex, status: number, text: string, retryAfter?: number): void {
  const retry = retryAfter === undefined ? '' : `Retry-After: ${retryAfter}\r\n`;
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
      `Content-Length: ${Buffer.byteLength(text)}\r\n${retry}\r\n${text}`,
  );
}

export interface LiveSockets {
  counts: SocketCounts;
  /** Closes every socket (their clients reconnect); those that do not close in `graceMs` are cut. */
  close(graceMs: number): Promise<void>;
}

export function serveLiveSockets(
  server: Server,
  services: Services,
  isDraining: () => boolean,
): LiveSockets {
  const { live, allowedOrigins, trustProxy } = services.config;
  const counts = new SocketCounts({
    perUser: live.socketsPerUser,
    perProcess: live.socketsPerProcess,
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes });
  const socketOf = new WeakMap<IncomingMessage, WebSocket>();
  const hello = new WeakMap<WebSocket, NodeJS.Timeout>();

  async function createContext({
    req,
    res: ws,
    info,
  }: {
    req: IncomingMessage;
    res: WebSocket;
    info: { connectionParams: unknown };
  }): Promise<Context> {
    clearTimeout(hello.get(ws));
    const token = tokenOf(info.connectionParams);
    let userId: string;
    try {
      userId = idString((await authenticate(services, token))._id);
    } catch (e) {
      if (isTransientDatabaseError(e))
        ws.close(closeCodes.tryAgain, 'The database is unavailable.');
      else ws.close(closeCodes.signIn, 'Please sign in again.');
      // Outside any procedure, so no middleware converts the domain's refusal.
      throw asTRPCError(e);
    }
    if (ws.readyState !== ws.OPEN) throw new TRPCError({ code: 'CLIENT_CLOSED_REQUEST' });
    const forget = counts.signIn(userId);
    if (!forget) {
      ws.close(closeCodes.tooMany, 'Too many live connections for this account.');
      throw new TRPCError({
        code: 'TOO_MANY_REQUESTS',
        message: 'Too many live connections for this account.',
      });
    }
    // The socket's token is its sign-in: when it expires, the socket ends and comes back renewed.
    const expiresInMs = Math.min(2 ** 31 - 1, Math.max(0, expiryOf(token ?? '') - Date.now()));
    const expiry = setTimeout(
      () => ws.close(closeCodes.signIn, 'The access token expired.'),
      expiresInMs,
    );
    ws.once('close', () => {
      forget();
      clearTimeout(expiry);
    });
    return createContextInner({
      services,
      req: {
        requestId: (req as IncomingMessage & { id?: string }).id ?? randomUUID(),
        clientAddress: clientAddress(req, trustProxy),
        accessToken: token,
        // A socket carries no cookies to the procedures and sets none.
        cookies: {},
        sameSite: false,
        setCookie: () => {},
      },
    });
  }

  const connect = getWSConnectionHandler({
    wss,
    router: subscriptionsOnly,
    createContext,
    keepAlive: { enabled: true, pingMs: live.pingMs, pongWaitMs: Math.max(1_000, live.pingMs) },
    onError({ error, req, ctx, path }) {
      // The token no longer holds (expired, signed out): the whole socket signs in again.
      if (error.code === 'UNAUTHORIZED') socketOf.get(req)?.close(closeCodes.signIn, error.message);
      if (isAbortError(error.cause)) return;
      logFailure(error, path, ctx as Context | undefined);
    },
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    let path: string | null = null;
    try {
      path = new URL(req.url ?? '/', 'http://localhost').pathname;
    } catch {}
    if (path !== livePath) return refuse(socket, 404, 'Not Found');
    if (isDraining()) return refuse(socket, 503, 'Parley is restarting; retry shortly.', 1);
    if (!isSameSiteRequest(req, allowedOrigins)) return refuse(socket, 403, 'Forbidden');
    if (!counts.open()) {
      return refuse(socket, 503, 'This server has too many live connections.', 5);
    }
    socket.once('close', () => counts.closed());
    wss.handleUpgrade(req, socket, head, (ws) => {
      socketOf.set(req, ws);
      hello.set(
        ws,
        setTimeout(() => ws.close(closeCodes.silent, 'No connectionParams in time.'), helloMs),
      );
      ws.once('close', () => clearTimeout(hello.get(ws)));
      connect(ws, req);
    });
  });

  return {
    counts,
    async close(graceMs) {
      const open = [...wss.clients];
      const closed = Promise.all(
        open.map(
          (ws) =>
            new Promise<void>((resolve) => {
              if (ws.readyState === ws.CLOSED) return resolve();
              ws.once('close', () => resolve());
              ws.close(closeCodes.restarting, 'Parley is restarting.');
            }),
        ),
      );
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        closed,
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, graceMs);
        }),
      ]);
      clearTimeout(timer);
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
