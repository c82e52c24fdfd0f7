// Deleting for good: session.purge, session.emptyTrash and the trash sweep leave
// none of a purged session's documents behind (10,000 messages included), touch
// nothing else, and the sweep purges only what has been in the trash long enough.
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuildReadModel } from '../../src/chat/rebuildReadModel';
import { readIndex, refreshIndexEntry } from '../../src/chat/sessionIndex';
import { sweepTrash } from '../../src/chat/trashSweep';
import type { MessageDoc, UserDoc } from '../../src/db/documents';
import { sweepOnce } from '../../src/maintenance';
import { InProcessBus } from '../../src/realtime/bus';
import { createServices, type Services } from '../../src/services';
import { callerFor, closeServices, newUser, testServices } from '../support/harness';

let services: Services;
beforeAll(async () => {
  services = await testServices({ TRASH_RETENTION_DAYS: '30' });
});
afterAll(() => closeServices(services));

const dayMs = 86_400_000;

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as { code?: string }).code ?? 'ERROR';
  }
  return 'OK';
}

/** Everything stored for a session: the session, its messages, buckets and keys. */
async function leftOf(sessionId: string, clientIds: string[]) {
  const _id = ObjectId.createFromHexString(sessionId);
  return {
    session: await services.db.sessions.countDocuments({ _id }),
    messages: await services.db.messages.countDocuments({ session_id: _id }),
    buckets: await services.db.buckets.countDocuments({ session_id: _id }),
    keys: await services.db.messageKeys.countDocuments({
      _id: { $in: clientIds.map((c) => `${sessionId}:${c}`) },
    }),
  };
}

/** Gives a session `count` messages by bulk insert (every other with a clientId and its key), then builds its buckets. */
async function seedMessages(user: UserDoc, sessionId: string, count: number): Promise<string[]> {
  const _id = ObjectId.createFromHexString(sessionId);
  const base = Date.now() - count * 1_000;
  const clientIds: string[] = [];
  const docs: MessageDoc[] = Array.from({ length: count }, (_, i) => {
    const at = new Date(base + i * 1_000);
    const clientId = i % 2 ? crypto.randomUUID() : undefined;
    if (clientId) clientIds.push(clientId);
    return {
      _id: new ObjectId(),
      session_id: _id,
      user_id: user._id,
      content: `m${i + 1}`,
      role: 'user',
      created_at: at,
      updated_at: at,
      deleted: false,
      deleted_at: null,
      seq: i + 1,
      ...(clientId ? { client_id: clientId } : {}),
    };
  });
  for (let i = 0; i < docs.length; i += 2_000) {
    await services.db.messages.insertMany(docs.slice(i, i + 2_000), { ordered: false });
  }
  const keys = docs
    .filter((d) => d.client_id)
    .map((d) => ({
      _id: `${sessionId}:${d.client_id}`,
      message_id: d._id,
      seq: d.seq ?? null,
      created_at: d.created_at,
    }));
  for (let i = 0; i < keys.length; i += 2_000) {
    await services.db.messageKeys.insertMany(keys.slice(i, i + 2_000), { ordered: false });
  }
  const session = await services.db.sessions.findOne({ _id });
  if (!session) throw new Error('no session');
  const rebuilt = await rebuildReadModel(services.db, { ...session, read_model: 0 });
  await refreshIndexEntry(services, rebuilt);
  return clientIds;
}

describe('session.purge', () => {
  it('purging a session with 10,000 messages leaves none of its documents, and nothing else goes', async () => {
    const { user, caller } = await newUser(services);
    const big = await caller.session.create({ title: 'big' });
    const neighbour = await caller.session.create({ title: 'neighbour' });
    const clientIds = await seedMessages(user, big.id, 10_000);
    const kept = crypto.randomUUID();
    await caller.message.send({ sessionId: neighbour.id, content: 'stays', clientId: kept });
    expect((await caller.session.get({ id: big.id })).messageCount).toBe(10_000);
    expect(await leftOf(big.id, clientIds)).toEqual({
      session: 1,
      messages: 10_000,
      buckets: 200,
      keys: 5_000,
    });

    expect(await codeOf(caller.session.purge({ id: big.id }))).toBe('PRECONDITION_FAILED');
    await caller.session.delete({ id: big.id });
    expect(await caller.session.purge({ id: big.id })).toEqual({ ok: true });

    expect(await leftOf(big.id, clientIds)).toEqual({
      session: 0,
      messages: 0,
      buckets: 0,
      keys: 0,
    });
    expect((await readIndex(services.db, user._id))?.has(big.id)).toBe(false);
    expect(await codeOf(caller.session.get({ id: big.id }))).toBe('NOT_FOUND');
    expect(await codeOf(caller.session.purge({ id: big.id }))).toBe('NOT_FOUND');
    expect(await leftOf(neighbour.id, [kept])).toEqual({
      session: 1,
      messages: 1,
      buckets: 1,
      keys: 1,
    });
    expect((await caller.message.list({ sessionId: neighbour.id })).items).toHaveLength(1);
  });

  it('purges a session the old service wrote (no buckets) by its messages', async () => {
    const { user, caller } = await newUser(services);
    const s = await caller.session.create({ title: 'old' });
    const _id = ObjectId.createFromHexString(s.id);
    await services.db.messages.insertMany(
      Array.from({ length: 30 }, (_, i) => ({
        _id: new ObjectId(),
        session_id: _id,
        user_id: user._id,
        content: `old ${i}`,
        role: 'user' as const,
        created_at: new Date(),
        updated_at: new Date(),
        deleted: false,
        deleted_at: null,
      })),
    );
    await services.db.sessions.updateOne(
      { _id },
      { $set: { message_count: 30 }, $unset: { read_model: '' } },
    );
    await caller.session.delete({ id: s.id });
    await caller.session.purge({ id: s.id });
    expect(await leftOf(s.id, [])).toEqual({ session: 0, messages: 0, buckets: 0, keys: 0 });
  });

  it("another user's session is NOT_FOUND, and stays", async () => {
    const a = await newUser(services);
    const b = await newUser(services);
    const theirs = await b.caller.session.create({ title: 'theirs' });
    await b.caller.session.delete({ id: theirs.id });
    expect(await codeOf(a.caller.session.purge({ id: theirs.id }))).toBe('NOT_FOUND');
    expect(await a.caller.session.emptyTrash()).toEqual({ purged: 0 });
    expect((await b.caller.session.get({ id: theirs.id })).deleted).toBe(true);
  });

  it('emptyTrash purges every trashed session and nothing live', async () => {
    const { caller } = await newUser(services);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await caller.session.create({ title: `t${i}` })).id);
    for (const id of ids.slice(0, 5)) {
      await caller.message.send({ sessionId: id, content: 'x' });
      await caller.session.delete({ id });
    }
    expect(await caller.session.emptyTrash()).toEqual({ purged: 5 });
    expect(await caller.session.emptyTrash()).toEqual({ purged: 0 });
    expect((await caller.session.list({ view: 'trash' })).items).toEqual([]);
    expect((await caller.session.list()).items.map((s) => s.id)).toEqual(ids.slice(5).reverse());
  });
});

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
    const left = (await readIndex(services.db, user._id)) ?? new Map();
    expect([...left.keys()].sort()).toEqual([recent, live, archived, claimed].sort());
    for (const id of [old, older]) expect(await leftOf(id, [])).toMatchObject({ session: 0 });

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
    for (const id of more) expect(await leftOf(id, [])).toMatchObject({ session: 0 });
    expect((await callerFor(services, user).session.get({ id: recent })).deleted).toBe(true);
    expect(await sweepTrash(services)).toBe(0);
  });

  it("the hourly sweep runs the trash's too", async () => {
    const { caller } = await newUser(services);
    const id = (await caller.session.create({ title: 'swept' })).id;
    await caller.session.delete({ id });
    await trashedDaysAgo(id, 45);
    await sweepOnce(services);
    expect(await codeOf(caller.session.get({ id }))).toBe('NOT_FOUND');
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
