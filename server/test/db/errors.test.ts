// What the driver really throws when the database vanishes, from a FerretDB this
// file owns and kills: every such error is transient (a retryable 503), while a
// programming error or a rejected write is not.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type AddressInfo, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TRPCError } from '@trpc/server';
import {
  type Collection,
  MongoClient,
  type MongoClientOptions,
  MongoNetworkError,
  MongoNetworkTimeoutError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isTransientDatabaseError } from '../../src/db/errors';
import { type OwnedDatabase, startOwnedDatabase } from '../faults/support/ferret';

let dir: string;
let database: OwnedDatabase;
const clients: MongoClient[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parley-db-errors-'));
  // Loopback TCP, as a MongoDB at MONGODB_URI is reached (the outage test covers the socket).
  database = await startOwnedDatabase(dir, { tcp: true });
});

// A test that failed halfway leaves the database frozen or dead: the next one gets it back.
afterEach(async () => {
  await closeClients();
  database.signal('SIGCONT');
  if (!database.running()) await database.restart();
});

/** Closes every client opened so far. */
async function closeClients(): Promise<void> {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => {})));
}

afterAll(async () => {
  await closeClients();
  await database?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** A client with one pooled connection, already used once, so its next command reuses it. */
async function connected(options: MongoClientOptions = {}): Promise<Collection> {
  const client = new MongoClient(database.uri, {
    serverSelectionTimeoutMS: 1_000,
    connectTimeoutMS: 1_000,
    maxPoolSize: 1,
    ...options,
  });
  clients.push(client);
  const things = client.db('errors').collection('things');
  await things.insertOne({ warmUp: true });
  return things;
}

/**
 * A command the driver never settles: mongodb 7.9 can write to a socket Node has
 * destroyed on the dead server's FIN and then wait forever (see the note below).
 */
const hung = Symbol('hung');
/** A command that succeeded: on a loaded machine one can slip in before the database dies. */
const succeeded = Symbol('succeeded');

/** The error a command fails with, or `hung` after 5 s, or `succeeded`. */
async function failure(command: Promise<unknown>): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise((resolve) => {
    timer = setTimeout(() => resolve(hung), 5_000);
  });
  const settled = command.then(
    () => succeeded,
    (e: unknown) => e,
  );
  try {
    return await Promise.race([settled, bound]);
  } finally {
    clearTimeout(timer);
  }
}

/** Holds the event loop, so the kernel has delivered the dead server's FIN before Node reads it. */
function holdEventLoop(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

const describeError = (e: unknown): string => {
  const err = e as { name?: string; code?: unknown; message?: string; cause?: unknown };
  return `${err?.name} ${String(err?.code ?? '')} ${err?.message} <- ${err?.cause ? describeError(err.cause) : ''}`;
};

function expectAllTransient(errors: unknown[]): void {
  for (const e of errors) {
    if (e !== hung && e !== succeeded)
      expect(isTransientDatabaseError(e), describeError(e)).toBe(true);
  }
}

const codeOf = (e: unknown) => (e as { code?: unknown }).code;

/** What Node gives a write to a socket whose other side has ended it: EPIPE. */
async function endedSocketWrite(): Promise<unknown> {
  const server = createServer((socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise<unknown>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', resolve);
      // Past the 'end' handlers Node has ended its side too: the write is refused.
      socket.on('end', () => setImmediate(() => socket.write('late', (e) => e && resolve(e))));
    });
  } finally {
    server.close();
  }
}
const causeCodeOf = (e: unknown) => codeOf((e as { cause?: unknown }).cause ?? {});

describe('errors from a database that vanished', () => {
  it('a command on a connection the killed database ended: EPIPE "ended by the other party"', async () => {
    // The error itself, for sure: a real socket that the other side ended, written to.
    const ended = await endedSocketWrite();
    expect(codeOf(ended)).toBe('EPIPE');
    // The very error CI saw: a plain Node error, not a MongoNetworkError.
    expect(ended).not.toBeInstanceOf(MongoNetworkError);
    expect((ended as Error).message).toMatch(/ended by the other party/);
    expect(isTransientDatabaseError(ended)).toBe(true);
    // Through the driver, whether Node has read the FIN before the write is a race
    // that a loaded machine loses: kill the database under a few connections and
    // demand that whatever comes back (EPIPE, a reset, a refused reconnect) is transient.
    const seen: unknown[] = [];
    for (let round = 0; round < 3 && !seen.some((e) => codeOf(e) === 'EPIPE'); round++) {
      for (const retryWrites of [false, true]) {
        const things = await Promise.all(
          Array.from({ length: 4 }, () => connected({ retryWrites })),
        );
        await database.kill('SIGKILL');
        holdEventLoop(100);
        seen.push(...(await Promise.all(things.map((t) => failure(t.insertOne({ late: true }))))));
        await closeClients();
        await database.restart();
      }
    }
    expect(seen.length).toBeGreaterThan(0);
    expectAllTransient(seen);
  });

  it('a command in flight when the database dies (ECONNRESET), and one queued behind it (pool cleared)', async () => {
    const seen: { retryWrites: boolean; reset: unknown; cleared: unknown }[] = [];
    const resets = () => seen.filter((s) => causeCodeOf(s.reset) === 'ECONNRESET');
    // A few tries: the command must sit unread in the frozen database's socket when it dies.
    for (let round = 0; round < 5 && resets().length < 2; round++) {
      for (const retryWrites of [false, true]) {
        const things = await connected({ retryWrites });
        const client = clients.at(-1) as MongoClient;
        let checkOuts = 0;
        client.on('connectionCheckOutStarted', () => checkOuts++);
        // Frozen, the database leaves the command unread; killed then, its socket resets.
        await database.freeze();
        const inFlight = failure(things.insertOne({ inFlight: true }));
        const queued = failure(things.insertOne({ queued: true }));
        await waitUntil(() => checkOuts >= 2);
        await waitUntil(() => unreadAt(database.port), 2_000).catch(() => {});
        await database.kill('SIGKILL');
        const [reset, cleared] = await Promise.all([inFlight, queued]);
        seen.push({ retryWrites, reset, cleared });
        await closeClients();
        await database.restart();
      }
    }
    const report = seen.map((s) => `${describeError(s.reset)} | ${describeError(s.cleared)}`);
    expect(resets().length, report.join('\n')).toBeGreaterThan(0);
    for (const { reset } of resets()) expect(reset).toBeInstanceOf(MongoNetworkError);
    // Without retries, the command queued behind the reset one finds its pool cleared.
    const cleared = resets().find((s) => !s.retryWrites)?.cleared;
    if (cleared !== undefined) {
      expect((cleared as Error).name, describeError(cleared)).toBe('MongoPoolClearedError');
      expect((cleared as MongoNetworkError).hasErrorLabel('PoolRequestedRetry')).toBe(true);
    }
    expect(
      seen.some((s) => (s.cleared as Error).name === 'MongoPoolClearedError'),
      report.join('\n'),
    ).toBe(true);
    expectAllTransient(seen.flatMap((s) => [s.reset, s.cleared]));
  });

  it('a command to a frozen database times out (MongoNetworkTimeoutError)', async () => {
    const things = await connected({ socketTimeoutMS: 300, retryWrites: false });
    await database.freeze();
    try {
      const timedOut = await failure(things.insertOne({ frozen: true }));
      expect(timedOut).toBeInstanceOf(MongoNetworkTimeoutError);
      expectAllTransient([timedOut]);
    } finally {
      database.signal('SIGCONT');
    }
  });

  it('a dead port: connection refused, and a new client times out selecting a server', async () => {
    const things = await connected({ serverSelectionTimeoutMS: 300 });
    await database.kill('SIGKILL');
    const seen: unknown[] = [];
    // The pooled connection fails first; each later command fails to connect anew.
    for (let i = 0; i < 3; i++) seen.push(await failure(things.insertOne({ dead: true })));
    const fresh = new MongoClient(database.uri, { serverSelectionTimeoutMS: 300 });
    clients.push(fresh);
    const refused = await failure(fresh.db('errors').command({ ping: 1 }));
    seen.push(refused);
    expect(refused).toBeInstanceOf(MongoServerSelectionError);
    expect(describeError(refused)).toMatch(/ECONNREFUSED/);
    expect(seen.some((e) => causeCodeOf(e) === 'ECONNREFUSED')).toBe(true);
    // A connection that could not be made carries the driver's retryable labels.
    expect(seen.some((e) => (e as MongoNetworkError).hasErrorLabel?.('RetryableError'))).toBe(true);
    expectAllTransient(seen);
    await database.restart();
  });

  it('a command waiting for a server when the client shuts down (MongoTopologyClosedError)', async () => {
    const client = new MongoClient(database.uri, {
      serverSelectionTimeoutMS: 30_000,
      heartbeatFrequencyMS: 500,
    });
    clients.push(client);
    await client.db('errors').command({ ping: 1 });
    let unknown = false;
    client.on('serverDescriptionChanged', (e) => {
      unknown = e.newDescription.type === 'Unknown';
    });
    await database.kill('SIGKILL');
    // Once the monitor has found the server gone, a command waits for one to come back.
    await waitUntil(() => unknown);
    const waiting = failure(client.db('errors').command({ ping: 1 }));
    await new Promise((resolve) => setImmediate(resolve));
    await client.close();
    const closed = await waiting;
    expect(closed).toBeInstanceOf(MongoTopologyClosedError);
    expectAllTransient([closed]);
    await database.restart();
  });

  it('a real error wrapped by tRPC or by our code is still transient; a cycle of causes ends', async () => {
    const things = await connected({ serverSelectionTimeoutMS: 300 });
    await database.kill('SIGKILL');
    const real = await failure(things.insertOne({ dead: true }));
    await database.restart();
    expect(
      isTransientDatabaseError(new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause: real })),
    ).toBe(true);
    expect(isTransientDatabaseError(new Error('saving the message failed', { cause: real }))).toBe(
      true,
    );
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(isTransientDatabaseError(a)).toBe(false);
  });
});

describe('errors that are not the database going away', () => {
  it('a programming error, a duplicate key, invalid input and a bad query are not transient', async () => {
    const things = await connected();
    const notTransient: unknown[] = [];
    try {
      (undefined as unknown as { send(): void }).send();
    } catch (e) {
      notTransient.push(e);
    }
    await things.insertOne({ _id: 'once' as never });
    const duplicate = await failure(things.insertOne({ _id: 'once' as never }));
    expect(duplicate).toBeInstanceOf(MongoServerError);
    expect((duplicate as MongoServerError).code).toBe(11000);
    notTransient.push(duplicate);
    // The driver refuses an update with no operators before sending it.
    notTransient.push(await failure(things.updateOne({ _id: 'once' as never }, { plain: 1 })));
    notTransient.push(await failure(things.find({ a: { $notAnOperator: 1 } }).toArray()));
    notTransient.push(z.string().safeParse(42).error);
    for (const e of notTransient) expect(isTransientDatabaseError(e), describeError(e)).toBe(false);
    expect(notTransient[0]).toBeInstanceOf(TypeError);
  });

  it('a lost SQLite lock race is transient; the same words outside a server error are not', () => {
    const busy = new MongoServerError({
      message: 'database is locked (5) (SQLITE_BUSY)',
      errmsg: 'database is locked (5) (SQLITE_BUSY)',
    });
    expect(isTransientDatabaseError(busy)).toBe(true);
    expect(isTransientDatabaseError(new Error('database is locked'))).toBe(false);
    expect(isTransientDatabaseError(null)).toBe(false);
    expect(isTransientDatabaseError('ECONNRESET')).toBe(false);
  });
});

/** True when a socket of the server on `port` holds bytes it has not read (Linux /proc). */
function unreadAt(port: number | null): boolean {
  const hexPort = `:${(port ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const [, local, , state, queues] = line.trim().split(/\s+/);
      const rx = Number.parseInt(queues?.split(':')[1] ?? '0', 16);
      if (local?.endsWith(hexPort) && state === '01' && rx > 0) return true;
    }
  }
  return false;
}

async function waitUntil(check: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
