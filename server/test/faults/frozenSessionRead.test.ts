// A send whose session read the database never answers (a frozen database, or a
// socket its death left half-closed) fails as retryable within the writes'
// deadline, instead of holding the session's lock, and every send behind it, for good.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../src/db/database';
import { isTransientDatabaseError } from '../../src/db/errors';
import { ensureIndexes } from '../../src/db/indexes';
import { InProcessBus } from '../../src/realtime/bus';
import { createServices, type Services } from '../../src/services';
import { newUser, testConfig } from '../support/harness';
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
      const behind = caller.message.send({ sessionId: s.id, content: 'behind the rename' });
      const expected = 'retryable: The database did not answer a session read in time.';
      expect(await outcomeOf(rename)).toBe(expected);
      expect(await outcomeOf(behind)).toBe(expected);
    } finally {
      database.signal('SIGCONT');
    }
  }, 30_000);
});
