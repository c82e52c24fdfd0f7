// Helpers for the real-time tests: a typed tRPC client over real HTTP (SSE for
// subscriptions, batched HTTP for the rest), access tokens, a Redis to share
// between server instances, and bounded waits.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  type TRPCClientError,
} from '@trpc/client';
import { EventSource } from 'eventsource';
import { Redis } from 'ioredis';
import superjson from 'superjson';
import { afterAll, beforeAll } from 'vitest';
import type { Parley } from '../../src/app';
import type { UserDoc } from '../../src/db/documents';
import { idString } from '../../src/db/ids';
import type { AppRouter } from '../../src/routers/app';
import type { Services } from '../../src/services';
import { newUser, startTestServer } from '../support/harness';

export function tokenFor(services: Services, user: UserDoc): string {
  return services.tokens.sign({ userId: idString(user._id), tokenVersion: user.token_version ?? 0 })
    .token;
}

/** A client acting with `token`: subscriptions over SSE (token in connectionParams), the rest over HTTP. */
export function clientFor(baseUrl: string, token: string | (() => string)) {
  const current = () => (typeof token === 'function' ? token() : token);
  const url = `${baseUrl}/trpc`;
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url,
          transformer: superjson,
          EventSource,
          connectionParams: async () => ({ token: current() }),
        }),
        false: httpBatchLink({
          url,
          transformer: superjson,
          headers: () => ({ authorization: `Bearer ${current()}` }),
        }),
      }),
    ],
  });
}

export type Client = ReturnType<typeof clientFor>;

/** A server for the enclosing describe's tests, with a new user's client (`take` keeps them); stopped after. */
export function withServer(
  env: Record<string, string>,
  take: (s: { server: Parley; user: UserDoc; client: Client }) => void,
): void {
  let server: Parley | undefined;
  beforeAll(async () => {
    server = await startTestServer(env);
    const { user } = await newUser(server.services);
    take({ server, user, client: clientFor(server.url, tokenFor(server.services, user)) });
  });
  afterAll(async () => {
    await server?.stop();
  });
}

/** What a subscription delivered: tracked events, connection starts, and how it ended. */
export interface Recorder<T> {
  events: T[];
  starts: number;
  error: TRPCClientError<AppRouter> | null;
  completed: boolean;
  unsubscribe: () => void;
}

export function record<T>(
  subscribe: (handlers: {
    onData: (e: T) => void;
    onStarted: () => void;
    onError: (e: TRPCClientError<AppRouter>) => void;
    onComplete: () => void;
  }) => { unsubscribe: () => void },
): Recorder<T> {
  const rec: Recorder<T> = {
    events: [],
    starts: 0,
    error: null,
    completed: false,
    unsubscribe: () => {},
  };
  const sub = subscribe({
    onData: (e) => rec.events.push(e),
    onStarted: () => {
      rec.starts++;
    },
    onError: (e) => {
      rec.error = e;
    },
    onComplete: () => {
      rec.completed = true;
    },
  });
  rec.unsubscribe = () => sub.unsubscribe();
  return rec;
}

/** Polls `check` until true; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function answersPing(url: string): Promise<boolean> {
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface TestRedis {
  url: string;
  stop(): Promise<void>;
}

/**
 * REDIS_URL if set, else a Redis on 127.0.0.1:6379, else a throwaway redis-server
 * on a free loopback port; null (with the reason) when none can be had.
 */
export async function findRedis(): Promise<TestRedis | { reason: string }> {
  const fromEnv = process.env.REDIS_URL;
  if (fromEnv) {
    if (await answersPing(fromEnv)) return { url: fromEnv, stop: async () => {} };
    return { reason: `REDIS_URL (${fromEnv}) does not answer PING` };
  }
  const local = 'redis://127.0.0.1:6379';
  if (await answersPing(local)) return { url: local, stop: async () => {} };
  return startRedisServer();
}

/** A throwaway redis-server (no persistence) on a free loopback port, if the binary exists. */
export async function startRedisServer(
  bin = '/usr/bin/redis-server',
): Promise<TestRedis | { reason: string }> {
  if (!existsSync(bin)) return { reason: `no Redis on 127.0.0.1:6379 and no ${bin} to start one` };
  const port = await freePort();
  const proc: ChildProcess = spawn(
    bin,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  while (!(await answersPing(url))) {
    if (Date.now() > deadline || proc.exitCode !== null) {
      proc.kill();
      return { reason: `${bin} did not start on port ${port}` };
    }
    await sleep(100);
  }
  return {
    url,
    stop: async () => {
      if (proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    },
  };
}
