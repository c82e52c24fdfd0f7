// The hourly trash sweep reads the session indexes once however many users there
// are (FerretDB v1 reads the whole collection for any filter but `{ _id }`, so a
// sweep that pages reads it once a page), and a sweep asked for while one runs
// is that same sweep. Each command is recorded through the driver's monitoring.
import { type CommandStartedEvent, type MongoClient, ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryOf, packIndex, refreshIndexEntry } from '../../src/chat/sessionIndex';
import { newSessionDoc } from '../../src/chat/sessions';
import { sweepTrash } from '../../src/chat/trashSweep';
import { setLogLevel } from '../../src/log';
import { sweepOnce } from '../../src/maintenance';
import { InProcessBus } from '../../src/realtime/bus';
import { createServices, type Services } from '../../src/services';
import { codeOf, newUser } from '../support/harness';
import { monitoredServices } from '../support/monitored';

let services: Services;
let client: MongoClient;
let commands: CommandStartedEvent[];

beforeAll(async () => {
  setLogLevel('warn');
  const m = await monitoredServices();
  ({ client, commands } = m);
  services = createServices(
    { ...m.config, trashRetentionDays: 30 },
    m.services.db,
    new InProcessBus(),
  );
});
afterAll(async () => {
  await services.purges.close();
  await client.close();
});

const dayMs = 86_400_000;

/** Users with a few chats each and no trash, written in bulk: what the sweep passes over. */
async function otherUsers(n: number) {
  const docs = Array.from({ length: n }, () => {
    const userId = new ObjectId();
    const sessions = [0, 1, 2].map((i) => newSessionDoc(userId, `chat ${i}`, new Date()));
    return { _id: userId.toHexString(), e: packIndex(sessions.map(entryOf)) };
  });
  await services.db.sessionIndex.insertMany(docs);
}

/** A user with one chat in the trash for 60 days and one kept; answers their callers and ids. */
async function userWithOldTrash() {
  const { caller } = await newUser(services);
  const old = (await caller.session.create({ title: 'old trash' })).id;
  const kept = (await caller.session.create({ title: 'kept' })).id;
  await caller.session.delete({ id: old });
  const doc = await services.db.sessions.findOneAndUpdate(
    { _id: ObjectId.createFromHexString(old) },
    { $set: { deleted_at: new Date(Date.now() - 60 * dayMs) } },
    { returnDocument: 'after' },
  );
  if (doc) await refreshIndexEntry(services, doc);
  return { caller, old, kept };
}

/** Commands that read session_index by more than its `_id` (each one reads it whole on FerretDB). */
const indexScans = () =>
  commands.filter((e) => {
    if (e.commandName !== 'find' || e.command.find !== 'session_index') return false;
    const filter = (e.command.filter ?? {}) as Record<string, unknown>;
    return Object.keys(filter).join() !== '_id' || typeof filter._id === 'object';
  }).length;

async function sweptOnce(
  due: Awaited<ReturnType<typeof userWithOldTrash>>[],
  work: () => Promise<unknown>,
) {
  commands.length = 0;
  await work();
  const scans = indexScans();
  await services.purges.idle();
  for (const { caller, old, kept } of due) {
    expect(await codeOf(caller.session.get({ id: old }))).toBe('NOT_FOUND');
    expect((await caller.session.get({ id: kept })).deleted).toBe(false);
  }
  return scans;
}

describe('the trash sweep on many users', () => {
  it('reads the session indexes once at 60 users and at 300', async () => {
    await otherUsers(60);
    const small = [await userWithOldTrash(), await userWithOldTrash()];
    expect(await sweptOnce(small, async () => expect(await sweepTrash(services)).toBe(2))).toBe(1);

    await otherUsers(240);
    const large = [await userWithOldTrash(), await userWithOldTrash(), await userWithOldTrash()];
    expect(await sweptOnce(large, async () => expect(await sweepTrash(services)).toBe(3))).toBe(1);
  });

  it('purges the users beyond one pass in one more pass each', async () => {
    const due = await Promise.all([1, 2, 3, 4, 5].map(() => userWithOldTrash()));
    const scans = await sweptOnce(due, async () =>
      expect(await sweepTrash(services, Date.now(), { usersPerPass: 2 })).toBe(5),
    );
    expect(scans).toBe(3);
  });

  it('runs one hourly sweep at a time: one asked for meanwhile is the same sweep', async () => {
    const due = [await userWithOldTrash(), await userWithOldTrash()];
    const scans = await sweptOnce(due, () =>
      Promise.all([sweepOnce(services), sweepOnce(services), sweepOnce(services)]),
    );
    expect(scans).toBe(1);
    const keySweeps = commands.filter(
      (e) => e.commandName === 'delete' && e.command.delete === 'message_keys',
    );
    expect(keySweeps).toHaveLength(1);
    // Once it has ended, the next one runs.
    commands.length = 0;
    await sweepOnce(services);
    expect(indexScans()).toBe(1);
  });

  it('leaves a sweep stuck for hours behind, so later ones still run', async () => {
    const stuck = { since: Date.now() - 4 * 3_600_000, done: new Promise<void>(() => {}) };
    services.sweeping = stuck;
    commands.length = 0;
    await sweepOnce(services);
    expect(indexScans()).toBe(1);
    expect(services.sweeping).toBeNull();
  });
});
