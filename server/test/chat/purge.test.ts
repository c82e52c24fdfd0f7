// Deleting for good: session.purge and session.emptyTrash answer once the session is
// gone for its owner, and its contents follow in the background, none of them left
// behind (10,000 messages included) and nothing else touched.
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPending } from '../../src/chat/pendingPurges';
import { readIndex, rebuildIndex } from '../../src/chat/sessionIndex';
import type { Services } from '../../src/services';
import { expireLeases, gone, leftOf, seedMessages, stoppedWorker } from '../support/chats';
import { callerFor, closeServices, codeOf, newUser, testServices } from '../support/harness';

let services: Services;
beforeAll(async () => {
  services = await testServices();
});
afterAll(() => closeServices(services));

describe('session.purge', () => {
  it('answers with the chat gone for its owner, then deletes its 10,000 messages in the background, and nothing else', async () => {
    const { user, caller } = await newUser(services);
    const big = await caller.session.create({ title: 'big' });
    const neighbour = await caller.session.create({ title: 'neighbour' });
    const clientIds = await seedMessages(services, user._id, big.id, 10_000);
    const kept = crypto.randomUUID();
    await caller.message.send({ sessionId: neighbour.id, content: 'stays', clientId: kept });
    const full = { session: 1, messages: 10_000, buckets: 200, keys: 5_000 };
    expect(await leftOf(services, big.id, clientIds)).toEqual(full);

    expect(await codeOf(caller.session.purge({ id: big.id }))).toBe('PRECONDITION_FAILED');
    await caller.session.delete({ id: big.id });
    // With nothing deleting in the background, the answer cannot have waited for the contents.
    const stopped = await stoppedWorker(services);
    expect(await callerFor(stopped, user).session.purge({ id: big.id })).toEqual({ ok: true });
    expect(await leftOf(services, big.id, clientIds)).toEqual(full);
    expect((await readIndex(services.db, user._id))?.has(big.id)).toBe(false);
    expect((await caller.session.list({ view: 'trash' })).items).toEqual([]);
    expect(await codeOf(caller.session.get({ id: big.id }))).toBe('NOT_FOUND');
    expect(await codeOf(caller.session.restore({ id: big.id }))).toBe('NOT_FOUND');
    expect(await codeOf(caller.message.send({ sessionId: big.id, content: 'x' }))).toBe(
      'NOT_FOUND',
    );
    expect(await codeOf(caller.message.list({ sessionId: big.id }))).toBe('NOT_FOUND');
    expect(await codeOf(caller.session.purge({ id: big.id }))).toBe('NOT_FOUND');
    expect(await caller.session.emptyTrash()).toEqual({ purged: 0 });
    // A rebuilt index does not bring it back.
    expect((await rebuildIndex(services.db, user._id)).has(big.id)).toBe(false);
    expect(await readPending(services.db)).toContainEqual({
      sessionId: big.id,
      userId: user._id.toHexString(),
    });

    await expireLeases(services, [big.id]);
    await services.purges.resume();
    await services.purges.idle();
    expect(await leftOf(services, big.id, clientIds)).toEqual(gone);
    expect(await readPending(services.db)).not.toContainEqual(
      expect.objectContaining({ sessionId: big.id }),
    );
    expect(await services.db.purges.findOne({ _id: `lease:${big.id}` })).toBeNull();
    expect(await leftOf(services, neighbour.id, [kept])).toEqual({
      session: 1,
      messages: 1,
      buckets: 1,
      keys: 1,
    });
    expect((await caller.message.list({ sessionId: neighbour.id })).items).toHaveLength(1);
  }, 240_000);

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
    await services.purges.idle();
    expect(await leftOf(services, s.id, [])).toEqual(gone);
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
    await services.purges.idle();
    for (const id of ids.slice(0, 5)) expect(await leftOf(services, id, [])).toEqual(gone);
    for (const id of ids.slice(5))
      expect(await leftOf(services, id, [])).toMatchObject({ session: 1 });
  });

  it('a chat being purged no longer counts toward the cap on chats', async () => {
    const capped = await stoppedWorker(services, { ...services.config, sessionsPerUser: 2 });
    const { caller } = await newUser(capped);
    const first = await caller.session.create({ title: 'one' });
    await caller.session.create({ title: 'two' });
    expect(await codeOf(caller.session.create({ title: 'three' }))).toBe('FORBIDDEN');
    await caller.session.delete({ id: first.id });
    await caller.session.purge({ id: first.id });
    expect(await leftOf(services, first.id, [])).toMatchObject({ session: 1 });
    expect(await codeOf(caller.session.create({ title: 'three' }))).toBe('OK');
    await expireLeases(services, [first.id]);
    await services.purges.resume();
    await services.purges.idle();
  });
});
