// A send whose session read the database never answers (a frozen database, or a
// socket its death left half-closed) fails as retryable within the writes'
// deadline, instead of holding the session's lock, and every send behind it, for good.
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../src/db/database';
import { isTransientDatabaseError } from '../../src/db/errors';
import { ensureIndexes } from '../../src/db/indexes';
import { portabilityRoutes } from '../../src/http/portability';
import { createHttpServer } from '../../src/http/server';
import { InProcessBus } from '../../src/realtime/bus';
import { createServices, type Services } from '../../src/services';
import { tokenFor } from '../realtime/support';
import { callerFor, newUser, testConfig } from '../support/harness';
import { type OwnedDatabase, startOwnedDatabase } from './support/ferret';

let dir: string;
let database: OwnedDatabase;
let services: Services;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parley-frozen-read-'));
  database = await startOwnedDatabase(dir, { tcp: true });
  const config = { ...testConfig({ MONGODB_URI: database.uri }), writeDeadlineMs: 500 };
  const db = await connectDatabase(database.uri, config.mongoDb);
  await ensureIndexes(db);
  services = createServices(config, db, new InProcessBus());
});

afterAll(async () => {
  database?.signal('SIGCONT');
  await services?.db.client.close(true).catch(() => {});
  await database?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Retryable, and why: the message of the deepest cause, where the deadline names itself. */
async function outcomeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'sent';
  } catch (e) {
    const retryable =
      isTransientDatabaseError(e) || (e as { code?: string }).code === 'SERVICE_UNAVAILABLE';
    let cause: unknown = e;
    for (let i = 0; i < 8 && (cause as { cause?: unknown })?.cause; i++) {
      cause = (cause as { cause: unknown }).cause;
    }
    return `${retryable ? 'retryable' : 'not retryable'}: ${(cause as Error).message}`;
  }
}

describe('a send while the database does not answer', () => {
  it('fails as retryable once the session read passes its deadline, and the next send after it too', async () => {
    const { caller } = await newUser(services);
    const s = await caller.session.create({ title: 'frozen' });
    await caller.message.send({ sessionId: s.id, content: 'before' });
    // A rename takes the session's lock, so the next send reads the session again.
    await caller.session.rename({ id: s.id, title: 'still frozen' });
    await database.freeze();
    try {
      const first = caller.message.send({ sessionId: s.id, content: 'during' });
      const second = caller.message.send({ sessionId: s.id, content: 'behind it' });
      // Parley's own deadline, not the driver's monitor giving up on the server much later.
      const expected = 'retryable: The database did not answer a session read in time.';
      expect(await outcomeOf(first)).toBe(expected);
      expect(await outcomeOf(second)).toBe(expected);
    } finally {
      database.signal('SIGCONT');
    }
  }, 30_000);

  it('fails a rename, and the send queued behind it, as retryable once its session read passes the deadline', async () => {
    const { caller } = await newUser(services);
    const s = await caller.session.create({ title: 'frozen rename' });
    await caller.message.send({ sessionId: s.id, content: 'before' });
    await database.freeze();
    try {
      const rename = caller.session.rename({ id: s.id, title: 'while frozen' });
      const expected = 'retryable: The database did not answer a session read in time.';
      expect(await outcomeOf(rename)).toBe(expected);
    } finally {
      database.signal('SIGCONT');
    }
    // Nothing was left holding the session's lock.
    expect((await caller.message.send({ sessionId: s.id, content: 'after' })).seq).toBe(2);
  }, 30_000);

  it('answers an export whose session read passes the deadline with a retryable 503, not a 500', async () => {
    const { user } = await newUser(services);
    const s = await callerFor(services, user).session.create({ title: 'frozen export' });
    const server = createHttpServer(services, [portabilityRoutes(services)]);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const exportIt = () =>
      fetch(`http://127.0.0.1:${port}/export/sessions/${s.id}?format=json`, {
        headers: { authorization: `Bearer ${tokenFor(services, user)}` },
      });
    try {
      expect((await exportIt()).status).toBe(200); // the caller is known now (auth/callers.ts)
      await database.freeze();
      try {
        const res = await exportIt();
        expect(res.status).toBe(503);
        expect(res.headers.get('retry-after')).toBe('1');
      } finally {
        database.signal('SIGCONT');
      }
    } finally {
      server.close();
    }
  }, 30_000);
});
