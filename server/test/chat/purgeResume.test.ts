// Purges left to finish: the pending list has a cap, and a purge cut short (a stopped
// process, a crash between its writes, a lease a dead process left, the doctor
// meanwhile) is finished from the pending list and the progress on the session.
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addPending, pendingLockKey, readPending } from '../../src/chat/pendingPurges';
import { purgeContents, purgeStart } from '../../src/chat/purgeContents';
import { PurgeWorker } from '../../src/chat/purgeWorker';
import { readIndex } from '../../src/chat/sessionIndex';
import { sweepTrash } from '../../src/chat/trashSweep';
import type { PurgeProgress, SessionDoc } from '../../src/db/documents';
import { runDoctor } from '../../src/doctor';
import { InProcessBus } from '../../src/realtime/bus';
import { createServices, type Services } from '../../src/services';
import { expireLeases, gone, leftOf, seedMessages, stoppedWorker } from '../support/chats';
import { callerFor, closeServices, codeOf, newUser, testServices } from '../support/harness';

let services: Services;
beforeAll(async () => {
  services = await testServices();
});
afterAll(() => closeServices(services));

describe('the pending purges', () => {
  it('are capped per process: past the cap a purge asks for a moment and marks nothing', async () => {
    const small = createServices(services.config, services.db, new InProcessBus());
    small.purges = new PurgeWorker(() => small, 1);
    const { user } = await newUser(small);
    const caller = callerFor(small, user);
    const [a, b] = [
      await caller.session.create({ title: 'a' }),
      await caller.session.create({ title: 'b' }),
    ];
    for (const s of [a, b]) await caller.session.delete({ id: s.id });
    await caller.session.purge({ id: a.id });
    // Its background step cannot leave the pending list yet: one purge under way.
    let release = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    void small.locks.run(pendingLockKey, () => held);
    expect(small.purges.backlog).toBe(1);
    expect(await codeOf(caller.session.purge({ id: b.id }))).toBe('TOO_MANY_REQUESTS');
    expect(await codeOf(caller.session.emptyTrash())).toBe('TOO_MANY_REQUESTS');
    expect((await caller.session.get({ id: b.id })).deleted).toBe(true);
    release();
    await small.purges.idle();
    expect(await caller.session.emptyTrash()).toEqual({ purged: 1 });
    await small.purges.idle();
    for (const s of [a, b]) expect(await leftOf(services, s.id, [])).toEqual(gone);
  });
});

describe('a purge cut short', () => {
  it('stopped half-way, is finished from where it stopped by the next process', async () => {
    const { user, caller } = await newUser(services);
    const s = await caller.session.create({ title: 'half' });
    const clientIds = await seedMessages(services, user._id, s.id, 1_000);
    await caller.session.delete({ id: s.id });
    const first = createServices(services.config, services.db, new InProcessBus());
    await callerFor(first, user).session.purge({ id: s.id });
    // Stopped once a step has been recorded: buckets are left for the next one.
    const _id = ObjectId.createFromHexString(s.id);
    for (let i = 0; i < 600; i++) {
      const doc = await services.db.sessions.findOne({ _id });
      if (!doc?.purging || doc.purging.left < 21) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    await first.purges.close();
    const half = await leftOf(services, s.id, clientIds);
    expect(half.session).toBe(1);
    expect(await services.db.purges.findOne({ _id: `lease:${s.id}` })).toBeNull();

    expect(await services.purges.resume()).toBeGreaterThanOrEqual(1);
    await services.purges.idle();
    expect(await leftOf(services, s.id, clientIds)).toEqual(gone);
  });

  it('between noting the purge and marking the chat, the chat is marked, unlisted and purged', async () => {
    const { user, caller } = await newUser(services);
    const s = await caller.session.create({ title: 'noted' });
    await caller.message.send({ sessionId: s.id, content: 'bye' });
    await caller.session.delete({ id: s.id });
    await addPending(services, [{ sessionId: s.id, userId: user._id.toHexString() }]);
    await services.purges.resume();
    await services.purges.idle();
    expect(await leftOf(services, s.id, [])).toEqual(gone);
    expect((await readIndex(services.db, user._id))?.has(s.id)).toBe(false);
  });

  it('between marking the chat and unlisting it, the chat leaves the lists and is purged', async () => {
    const { user, caller } = await newUser(services);
    const s = await caller.session.create({ title: 'marked' });
    await caller.session.delete({ id: s.id });
    const _id = ObjectId.createFromHexString(s.id);
    const doc = await services.db.sessions.findOne({ _id });
    if (!doc) throw new Error('no session');
    await addPending(services, [{ sessionId: s.id, userId: user._id.toHexString() }]);
    await services.db.sessions.updateOne({ _id }, { $set: { purging: purgeStart(doc) } });
    expect((await readIndex(services.db, user._id))?.has(s.id)).toBe(true);
    await services.purges.resume();
    await services.purges.idle();
    expect((await readIndex(services.db, user._id))?.has(s.id)).toBe(false);
    expect(await leftOf(services, s.id, [])).toEqual(gone);
  });

  it('asked again after a process died before marking the chat, the purge takes over its lease', async () => {
    const { user, caller } = await newUser(services);
    const s = await caller.session.create({ title: 'asked twice' });
    await caller.session.delete({ id: s.id });
    await addPending(services, [{ sessionId: s.id, userId: user._id.toHexString() }]);
    await services.db.purges.insertOne({ _id: `lease:${s.id}`, owner: 'died', until: new Date(0) });
    expect(await caller.session.purge({ id: s.id })).toEqual({ ok: true });
    expect(await codeOf(caller.session.get({ id: s.id }))).toBe('NOT_FOUND');
    await services.purges.idle();
    expect(await leftOf(services, s.id, [])).toEqual(gone);
  });

  it('emptyTrash takes over the expired leases in its batch, and leaves a live one to its process', async () => {
    const { caller } = await newUser(services);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await caller.session.create({ title: `e${i}` })).id);
    for (const id of ids) await caller.session.delete({ id });
    const [died = '', alive = ''] = ids;
    await services.db.purges.insertMany([
      { _id: `lease:${died}`, owner: 'died', until: new Date(0) },
      { _id: `lease:${alive}`, owner: 'alive', until: new Date(Date.now() + 600_000) },
    ]);
    expect(await caller.session.emptyTrash()).toEqual({ purged: 3 });
    expect((await caller.session.list({ view: 'trash' })).items.map((s) => s.id)).toEqual([alive]);
    await services.purges.idle();
    for (const id of ids.filter((id) => id !== alive)) {
      expect(await leftOf(services, id, [])).toEqual(gone);
    }
    await services.db.purges.deleteOne({ _id: `lease:${alive}` });
    expect(await caller.session.emptyTrash()).toEqual({ purged: 1 });
    await services.purges.idle();
  });

  it('a chat restored before it was marked is left alone, and leaves the pending list', async () => {
    const { user, caller } = await newUser(services);
    const s = await caller.session.create({ title: 'kept' });
    await caller.message.send({ sessionId: s.id, content: 'stays' });
    await addPending(services, [{ sessionId: s.id, userId: user._id.toHexString() }]);
    await services.purges.resume();
    await services.purges.idle();
    expect(await leftOf(services, s.id, [])).toEqual({
      session: 1,
      messages: 1,
      buckets: 1,
      keys: 0,
    });
    expect(await readPending(services.db)).not.toContainEqual(
      expect.objectContaining({ sessionId: s.id }),
    );
  });

  it('two processes finishing the same purges delete each chat once, and everything', async () => {
    const { user, caller } = await newUser(services);
    const ids: string[] = [];
    const stopped = await stoppedWorker(services);
    for (let i = 0; i < 3; i++) {
      const s = await caller.session.create({ title: `p${i}` });
      await seedMessages(services, user._id, s.id, 300);
      await caller.session.delete({ id: s.id });
      await callerFor(stopped, user).session.purge({ id: s.id });
      ids.push(s.id);
    }
    await expireLeases(services, ids);
    const other = createServices(services.config, services.db, new InProcessBus());
    await Promise.all([services.purges.resume(), other.purges.resume()]);
    await Promise.all([services.purges.idle(), other.purges.idle()]);
    for (const id of ids) expect(await leftOf(services, id, [])).toEqual(gone);
    await other.purges.close();
  });

  it('the doctor leaves a chat half-purged as it is, and the purge then finishes it', async () => {
    const { user, caller } = await newUser(services);
    const s = await caller.session.create({ title: 'doctored' });
    const clientIds = await seedMessages(services, user._id, s.id, 500);
    await caller.session.delete({ id: s.id });
    await callerFor(await stoppedWorker(services), user).session.purge({ id: s.id });
    const _id = ObjectId.createFromHexString(s.id);
    const marked = (await services.db.sessions.findOne({ _id })) as SessionDoc & {
      purging: PurgeProgress;
    };
    let steps = 0;
    expect(await purgeContents(services.db, marked, async () => steps++ < 1)).toBe(false);
    const half = await leftOf(services, s.id, clientIds);
    expect(half).toMatchObject({ session: 1, messages: 350, buckets: 7 });

    const report = await runDoctor(services.db, { fix: true });
    const found = (kind: string) => report.findings.find((f) => f.kind === kind)?.count ?? 0;
    expect(found('chat_sessions.message_count')).toBe(0);
    expect(found('chat_sessions.read_model')).toBe(0);
    expect(await leftOf(services, s.id, clientIds)).toEqual(half);

    await expireLeases(services, [s.id]);
    await services.purges.resume();
    await services.purges.idle();
    expect(await leftOf(services, s.id, clientIds)).toEqual(gone);
  });
});

describe('the trash sweep', () => {
  it('goes on past a user whose purge is refused, and sweeps them once there is room', async () => {
    const small = createServices(services.config, services.db, new InProcessBus());
    small.purges = new PurgeWorker(() => small, 1);
    const chats: Array<{ id: string; caller: ReturnType<typeof callerFor> }> = [];
    for (const name of ['first', 'second']) {
      const { user } = await newUser(small);
      const caller = callerFor(small, user);
      const s = await caller.session.create({ title: name });
      await caller.session.delete({ id: s.id });
      chats.push({ id: s.id, caller });
    }
    const [first, second] = chats as [(typeof chats)[0], (typeof chats)[0]];
    await first.caller.session.purge({ id: first.id });
    // That purge stays under way, so the pending list is full for the sweep's.
    let release = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    void small.locks.run(pendingLockKey, () => held);
    const later = Date.now() + (small.config.trashRetentionDays + 1) * 86_400_000;
    expect(await sweepTrash(small, later)).toBe(0);
    expect((await second.caller.session.get({ id: second.id })).deleted).toBe(true);
    release();
    await small.purges.idle();
    expect(await sweepTrash(small, later)).toBeGreaterThanOrEqual(1);
    await small.purges.idle();
    for (const { id } of chats) expect(await leftOf(services, id, [])).toEqual(gone);
  });
});
