// Test harness: services on a fresh database per test file, callers for users,
// and a real HTTP server when a test needs one. No mocks: the real database.
import { randomBytes } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { inject } from 'vitest';
import { type Parley, startParley } from '../../src/app';
import { createUser } from '../../src/auth/users';
import { type Config, loadConfig } from '../../src/config/env';
import { connectDatabase } from '../../src/db/database';
import type { UserDoc } from '../../src/db/documents';
import { ensureIndexes } from '../../src/db/indexes';
import { Refusal } from '../../src/lib/refusal';
import { InProcessBus } from '../../src/realtime/bus';
import { createCaller } from '../../src/routers/app';
import { createServices, type Services } from '../../src/services';
import { createContextInner, type RequestInfo } from '../../src/trpc/context';

export const testSecret = 'test-secret-that-is-at-least-32-bytes-long!';

let counter = 0;

/** A database name no other test file uses. */
export function freshDbName(): string {
  counter++;
  return `t_${inject('runId')}_${process.pid}_${counter}_${randomBytes(3).toString('hex')}`;
}

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    MONGODB_URI: inject('mongoUri'),
    MONGODB_DB: freshDbName(),
    JWT_SECRET: testSecret,
    BCRYPT_COST: '4',
    LOG_LEVEL: 'silent',
    DEMO_USERS: 'false',
    // Suites make many users from one address; the registration tests set their own limits.
    REGISTER_PER_ADDRESS: '100000',
    REGISTER_PER_MINUTE: '100000',
    REGISTER_HASH_QUEUE: '64',
    ...env,
  });
}

/** Services on a fresh database, without HTTP. Close with services.db.client.close(). */
export async function testServices(
  env: Record<string, string> = {},
  tweak: (c: Config) => void = () => {},
): Promise<Services> {
  const config = testConfig(env);
  tweak(config);
  const db = await connectDatabase(config.mongoUri ?? '', config.mongoDb);
  await ensureIndexes(db);
  return createServices(config, db, new InProcessBus());
}

export async function closeServices(services: Services): Promise<void> {
  await services.purges.close();
  await services.bus.close();
  await services.db.client.close();
}

/** A caller acting as `user` (or anonymous), through the real router and middleware. */
export function callerFor(
  services: Services,
  user: UserDoc | null = null,
  req: Partial<RequestInfo> = {},
) {
  return createCaller(createContextInner({ services, user, req }));
}

export async function newUser(
  services: Services,
  name = `u${++counter}${randomBytes(3).toString('hex')}`,
) {
  const user = await createUser(services.db, services.passwords, name, 'correct horse battery');
  return { user, caller: callerFor(services, user) };
}

/** A real server on a free port over the test database server. */
export async function startTestServer(
  env: Record<string, string> = {},
  tweak: (c: Config) => void = () => {},
): Promise<Parley> {
  const config = testConfig(env);
  tweak(config);
  return startParley(config);
}

/**
 * What a call ends with: 'OK', or the code it was refused with (a TRPCError's through
 * the API, a Refusal's from the domain); any other error is thrown on.
 */
export function codeOf(p: Promise<unknown>): Promise<string> {
  return failure(p).then((e) => e?.code ?? 'OK');
}

/** What a call ends with: null, or its TRPCError or Refusal; any other error is thrown on. */
export function failure(p: Promise<unknown>): Promise<TRPCError | Refusal | null> {
  return p.then(
    () => null,
    (e: unknown) => {
      if (e instanceof TRPCError || e instanceof Refusal) return e;
      throw e;
    },
  );
}
