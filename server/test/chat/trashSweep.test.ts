// The trash sweep purges only what has been in the trash longer than
// TRASH_RETENTION_DAYS, safely from two processes, and leaves none of it behind.
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pendingLockKey, readPending } from '../../src/chat/pendingPurges';
import { purgeMany, purgeSession } from '../../src/chat/purge';
import { readIndex, refreshIndexEntry } from '../../src/chat/sessionIndex';
import { sweepTrash } from '../../src/chat/trashSweep';
import { sweepOnce } from '../../src/maintenance';
import { InProcessBus } from '../../src/realtime/bus';
import { createServices, type Services } from '../../src/services';
import { leftOf } from '../support/chats';
import { callerFor, closeServices, codeOf, newUser, testServices } from '../support/harness';

let services: Services;
beforeAll(async () => {
  services = await testServices({ TRASH_RETENTION_DAYS: '30' });
});
afterAll(() => closeServices(services));

const dayMs = 86_400_000;

/** Moves a trashed session's time of deletion back by `days`, in the session and its index entry. */
async function trashedDaysAgo(id: string, days: number) {
  const _id = ObjectId.createFromHexString(id);
  const at = new Date(Date.now() - days * dayMs);
  const doc = await services.db.sessions.findOneAndUpdate(
    { _id },
    { $set: { deleted_at: at } },
    { returnDocument: 'after' },
  );
  if (doc) await refreshIndexEntry(services, doc);
}

/**
 * Holds `other`'s pending list (its purges wait there once they have read their
 * sessions): `asked(n)` resolves once n of its purges are waiting, `open` lets them on.
 */
function holdPending(other: Services) {
  let open = () => {};
  let waiting = 0;
  const run = other.locks.run.bind(other.locks);
  other.locks.run = ((key, task, tag) => {
    if (key === pendingLockKey) waiting++;
    return run(key, task, tag);
  }) as typeof other.locks.run;
  void run(pendingLockKey, () => new Promise<void>((r) => (open = r)));
  return {
    open: () => open(),
    asked: async (n: number) => {
      while (waiting < n) await new Promise((r) => setTimeout(r, 5));
    },
  };
}

/**
 * A new user's chats, trashed 60 days ago, and another process (its own locks, the
 * same database) whose purges of them will wait on its held pending list.
 */
async function raced(titles: string[]) {
  const { user, caller } = await newUser(services);
  const ids: string[] = [];
  for (const title of titles) {
    const { id } = await caller.session.create({ title });
    await caller.session.delete({ id });
    await trashedDaysAgo(id, 60);
    ids.push(id);
  }
  const other = createServices(services.config, services.db, new InProcessBus());
  return {
    user,
    caller,
    ids,
    other,
    pending: holdPending(other),
    olderThan: Date.now() - 30 * dayMs,
  };
}

/** No pending entry and no lease is left for these sessions. */
async function nothingLeftFor(ids: string[]) {
  const pending = (await readPending(services.db)).map((p) => p.sessionId);
  for (const id of ids) {
    expect(pending).not.toContain(id);
    expect(await services.db.purges.findOne({ _id: `lease:${id}` })).toBeNull();
  }
}

describe('the trash sweep', () => {
  it('purges only sessions trashed longer than TRASH_RETENTION_DAYS, safely from two processes', async () => {
    const { user, caller } = await newUser(services);
    const make = async (title: string) => (await caller.session.create({ title })).id;
    const old = await make('old');
    const older = await make('older');
    const recent = await make('recent');
    const live = await make('live');
    const archived = await make('archived');
    for (const id of [old, older, recent]) await caller.session.delete({ id });
    await caller.session.update({ id: archived, archived: true });
    await caller.message.send({ sessionId: old, content: 'x' }).catch(() => {});
    await trashedDaysAgo(old, 31);
    await trashedDaysAgo(older, 400);
    await trashedDaysAgo(recent, 29);
    // An index entry that claims an old deletion the session does not have (restored and
    // trashed again elsewhere): the session's own time decides.
    const claimed = await make('claimed');
    await caller.session.delete({ id: claimed });
    const index = await services.db.sessionIndex.findOne({ _id: user._id.toHexString() });
    const row = JSON.parse(index?.e[claimed] ?? '[]');
    row[7] = Date.now() - 90 * dayMs;
    await services.db.sessionIndex.updateOne(
      { _id: user._id.toHexString() },
      { $set: { [`e.${claimed}`]: JSON.stringify(row) } },
    );

    expect(await sweepTrash(services)).toBe(2);
    await services.purges.idle();
    const left = (await readIndex(services.db, user._id)) ?? new Map();
    expect([...left.keys()].sort()).toEqual([recent, live, archived, claimed].sort());
    for (const id of [old, older])
      expect(await leftOf(services, id, [])).toMatchObject({ session: 0 });

    // Two processes at once (each its own locks, one database): each session goes once.
    // (Their writes to one index document can cross on FerretDB; lists check and repair
    // the index, see sessionIndex.ts: the sessions' documents are what count here.)
    const more = [await make('x'), await make('y'), await make('z')];
    for (const id of more) {
      await caller.session.delete({ id });
      await trashedDaysAgo(id, 60);
    }
    const other = createServices(services.config, services.db, new InProcessBus());
    const [a, b] = await Promise.all([sweepTrash(services), sweepTrash(other)]);
    expect(a + b).toBe(3);
    await Promise.all([services.purges.idle(), other.purges.idle()]);
    for (const id of more) {
      expect(await leftOf(services, id, [])).toMatchObject({ session: 0, messages: 0, buckets: 0 });
    }
    expect((await callerFor(services, user).session.get({ id: recent })).deleted).toBe(true);
    expect(await sweepTrash(services)).toBe(0);
  });

  it('does not count a session another process purged while this one was marking it', async () => {
    const { user, ids, other, pending, olderThan } = await raced(['raced', 'raced too']);
    // The other process reads the sessions, then waits on its pending list while
    // this one purges them to the end and lets go of their leases.
    const late = Promise.all([
      purgeMany(other, user._id, ids.slice(0, 1), { olderThan }),
      purgeSession(other, user._id, ids[1] as string, { olderThan }),
    ]);
    await pending.asked(2);
    expect(await purgeMany(services, user._id, ids)).toBe(2);
    await services.purges.idle();
    pending.open();
    expect(await late).toEqual([0, false]);
    await other.purges.idle();
    for (const id of ids) expect(await leftOf(services, id, [])).toMatchObject({ session: 0 });
    await nothingLeftFor(ids);
  });

  it('leaves a session restored, or restored and trashed again, by another process while this one marked it', async () => {
    const { user, caller, ids, other, pending, olderThan } = await raced([
      'restored',
      'trashed again',
    ]);
    const [restored, again] = ids as [string, string];
    const late = Promise.all([
      purgeSession(other, user._id, restored, { olderThan }),
      purgeMany(other, user._id, [again], { olderThan }),
    ]);
    await pending.asked(2);
    await caller.session.restore({ id: restored });
    await caller.session.restore({ id: again });
    await caller.session.delete({ id: again }); // in the trash since now: 30 days to go
    pending.open();
    expect(await late).toEqual([false, 0]);
    // Nothing is left for a worker to pick up later, when the chat may be back in the trash.
    await nothingLeftFor([restored, again]);
    await other.purges.idle();
    expect((await caller.session.get({ id: restored })).deleted).toBe(false);
    expect((await caller.session.get({ id: again })).deleted).toBe(true);
    expect(await sweepTrash(other)).toBe(0);
  });

  it("the hourly sweep runs the trash's too", async () => {
    const { caller } = await newUser(services);
    const id = (await caller.session.create({ title: 'swept' })).id;
    await caller.session.delete({ id });
    await trashedDaysAgo(id, 45);
    await sweepOnce(services);
    expect(await codeOf(caller.session.get({ id }))).toBe('NOT_FOUND');
    await services.purges.idle();
    expect(await leftOf(services, id, [])).toMatchObject({ session: 0 });
  });

  it('keeps everything when TRASH_RETENTION_DAYS is 0', async () => {
    const keep = createServices(
      { ...services.config, trashRetentionDays: 0 },
      services.db,
      new InProcessBus(),
    );
    const { caller } = await newUser(keep);
    const id = (await caller.session.create({ title: 'kept' })).id;
    await caller.session.delete({ id });
    await trashedDaysAgo(id, 10_000);
    expect(await sweepTrash(keep)).toBe(0);
    expect((await caller.session.get({ id })).deleted).toBe(true);
  });
});
