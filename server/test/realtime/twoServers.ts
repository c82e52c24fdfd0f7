// Two Parley servers over one fresh database and one Redis, as two processes of one
// deployment run: the set-up of the cross-process tests. Their files skip, saying
// why, only when no Redis can be reached or started.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import type { Parley } from '../../src/app';
import type { Config } from '../../src/config/env';
import type { UserDoc } from '../../src/db/documents';
import { freshDbName, newUser, startTestServer } from '../support/harness';
import { type Client, clientFor, findRedis, tokenFor } from './support';

/** A Redis for the file's tests, or why they are skipped (printed once). */
export async function redisFor(tests: string) {
  const redis = await findRedis();
  const skipReason = 'reason' in redis ? redis.reason : null;
  if (skipReason) console.warn(`SKIPPED: ${tests} need Redis: ${skipReason}`);
  return {
    skipReason,
    url: 'url' in redis ? redis.url : '',
    stop: async () => {
      if ('stop' in redis) await redis.stop();
    },
  };
}

export interface TwoServers {
  a: Parley;
  b: Parley;
  /** A user both know, with a client on each. */
  user: UserDoc;
  onA: Client;
  onB: Client;
  stop(): Promise<void>;
}

export interface TwoServersOptions {
  /** Settings for both, beside the shared database and Redis namespace. */
  env?: Record<string, string>;
  envA?: Record<string, string>;
  envB?: Record<string, string>;
  configureB?: (c: Config) => void;
}

/** Starts A and B on one fresh database and a Redis namespace of their own. */
export async function startTwoServers(
  redisUrl: string,
  opts: TwoServersOptions = {},
): Promise<TwoServers> {
  const env = {
    MONGODB_DB: freshDbName(),
    REDIS_URL: redisUrl,
    // A namespace per run, so parallel runs sharing this Redis never hear each other.
    REDIS_PREFIX: `parley-test-${randomBytes(4).toString('hex')}:`,
    ...opts.env,
  };
  const a = await startTestServer({ ...env, ...opts.envA });
  const b = await startTestServer({ ...env, ...opts.envB }, opts.configureB);
  const { user } = await newUser(a.services);
  const token = tokenFor(a.services, user);
  return {
    a,
    b,
    user,
    onA: clientFor(a.url, token),
    onB: clientFor(b.url, token),
    async stop() {
      await a.stop();
      await b.stop();
    },
  };
}

/**
 * Starts the two servers before the tests of the enclosing describe (`take` keeps what
 * they need) and stops them, and the Redis, after. `opts` is read when they start.
 */
export function withTwoServers(
  redis: { url: string; stop(): Promise<void> },
  opts: () => TwoServersOptions,
  take: (servers: TwoServers) => void,
): void {
  let servers: TwoServers | undefined;
  beforeAll(async () => {
    servers = await startTwoServers(redis.url, opts());
    take(servers);
  });
  afterAll(async () => {
    await servers?.stop();
    await redis.stop();
  });
}
