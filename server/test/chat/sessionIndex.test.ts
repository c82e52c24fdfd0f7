// The session index behind every list: exact keyset pages while sessions change,
// and an index that is missing, out of date or left by the old service gives a
// correct list at once and is rebuilt.
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readIndex } from '../../src/chat/sessionIndex';
import type { UserDoc } from '../../src/db/documents';
import { runDoctor } from '../../src/doctor';
import type { Services } from '../../src/services';
import { callerFor, closeServices, newUser, testServices } from '../support/harness';

let services: Services;
beforeAll(async () => {
  services = await testServices();
});
afterAll(() => closeServices(services));

type Caller = ReturnType<typeof callerFor>;

async function allPages(caller: Caller, deleted = false, limit = 3): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const page = await caller.session.list({ limit, cursor, deleted });
    ids.push(...page.items.map((s) => s.id));
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return ids;
}

/** The user's sessions as chat_sessions holds them, newest activity first. */
async function truth(user: UserDoc, deleted = false): Promise<string[]> {
  const docs = await services.db.sessions
    .find({ user_id: user._id, deleted })
    .sort({ activity_at: -1, _id: -1 })
    .toArray();
  return docs.map((d) => d._id.toHexString());
}

describe('the session index', () => {
  it('pages exactly while sessions are created, renamed, deleted, restored and written to', async () => {
    const { user, caller } = await newUser(services);
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push((await caller.session.create({ title: `s${i}` })).id);
    // Page through while another tab changes the list: those that existed and were not
    // touched all appear, once each, in order.
    const seen: string[] = [];
    let cursor: string | null = null;
    let step = 0;
    do {
      const page = await caller.session.list({ limit: 2, cursor });
      seen.push(...page.items.map((s) => s.id));
      cursor = page.nextCursor;
      await caller.session.create({ title: `new ${step}` });
      step++;
    } while (cursor && step < 50);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((id) => ids.includes(id))).toEqual([...ids].reverse());

    await caller.session.rename({ id: ids[3] ?? '', title: 'renamed' });
    await caller.message.send({ sessionId: ids[0] ?? '', content: 'to the top' });
    await caller.session.delete({ id: ids[5] ?? '' });
    await caller.session.delete({ id: ids[6] ?? '' });
    await caller.session.restore({ id: ids[6] ?? '' });
    expect(await allPages(caller)).toEqual(await truth(user));
    expect(await allPages(caller, true)).toEqual(await truth(user, true));
    expect((await caller.session.list({ limit: 1 })).items[0]?.id).toBe(ids[0]);
  });

  it('two tabs changing one list at once leave it exact', async () => {
    const { user } = await newUser(services);
    const tabs = [callerFor(services, user), callerFor(services, user)];
    const created = await Promise.all(
      Array.from({ length: 20 }, (_, i) => tabs[i % 2]?.session.create({ title: `t${i}` })),
    );
    const ids = created.map((s) => s?.id ?? '');
    await Promise.all([
      ...ids.slice(0, 6).map((id, i) => tabs[i % 2]?.session.delete({ id })),
      ...ids
        .slice(6, 12)
        .map((id, i) => tabs[i % 2]?.message.send({ sessionId: id, content: 'x' })),
      ...ids.slice(12, 16).map((id, i) => tabs[i % 2]?.session.rename({ id, title: 'r' })),
    ]);
    const [caller] = tabs as [Caller];
    expect(await allPages(caller, false, 4)).toEqual(await truth(user));
    expect(await allPages(caller, true, 4)).toEqual(await truth(user, true));
    expect((await readIndex(services.db, user._id))?.size).toBe(20);
  });

  it('rebuilds a missing index, for a user the old service wrote', async () => {
    const { user, caller } = await newUser(services);
    for (let i = 0; i < 4; i++) await caller.session.create({ title: `o${i}` });
    await services.db.sessionIndex.deleteOne({ _id: user._id.toHexString() });
    await services.db.users.updateOne({ _id: user._id }, { $unset: { session_index: '' } });
    const { session_index: _, ...old } = user;
    const oldCaller = callerFor(services, old);
    expect(await allPages(oldCaller)).toEqual(await truth(user));
    expect((await readIndex(services.db, user._id))?.size).toBe(4);
  });

  it('notices an entry that disagrees with its session and rebuilds, so the next list is true', async () => {
    const { user, caller } = await newUser(services);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await caller.session.create({ title: `d${i}` })).id);
    // Written around Parley (a crash between the two writes, another process, a repair):
    // the oldest session moves to the top, and one is deleted.
    await services.db.sessions.updateOne(
      { _id: new ObjectId(ids[0]) },
      { $set: { activity_at: new Date(Date.now() + 60_000), updated_at: new Date() } },
    );
    await services.db.sessions.updateOne(
      { _id: new ObjectId(ids[4]) },
      { $set: { deleted: true, deleted_at: new Date() } },
    );
    await caller.session.list({ limit: 10 }); // answered from the index, then checked
    await vi.waitFor(
      async () => expect(await allPages(caller, false, 10)).toEqual(await truth(user)),
      {
        timeout: 5_000,
      },
    );
    const index = await readIndex(services.db, user._id);
    expect(index?.get(ids[4] ?? '')?.deleted).toBe(true);
    expect(await allPages(caller, true)).toEqual([ids[4]]);
  });

  it('drops an entry whose session is gone, and never lists another user’s session', async () => {
    const { user, caller } = await newUser(services);
    const other = await newUser(services);
    const theirs = await other.caller.session.create({ title: 'theirs' });
    const mine = await caller.session.create({ title: 'mine' });
    const gone = await caller.session.create({ title: 'gone' });
    await services.db.sessions.deleteOne({ _id: new ObjectId(gone.id) });
    // A corrupt entry naming someone else's session.
    await services.db.sessionIndex.updateOne(
      { _id: user._id.toHexString() },
      { $set: { [`e.${theirs.id}`]: `${Date.now() + 1e6}:${Date.now()}:0` } },
    );
    await caller.session.list({});
    await vi.waitFor(async () => expect(await allPages(caller)).toEqual([mine.id]), {
      timeout: 5_000,
    });
    const index = await readIndex(services.db, user._id);
    expect([...(index?.keys() ?? [])]).toEqual([mine.id]);
  });

  it('npm run doctor reports a missing or wrong index, and --fix repairs it', async () => {
    const { user, caller } = await newUser(services);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await caller.session.create({ title: `x${i}` })).id);
    await services.db.sessionIndex.updateOne(
      { _id: user._id.toHexString() },
      { $unset: { [`e.${ids[1]}`]: '' } },
    );
    const stale = (r: Awaited<ReturnType<typeof runDoctor>>) =>
      r.findings.find((f) => f.kind === 'session_index.stale');
    const report = await runDoctor(services.db);
    expect(stale(report)?.count).toBeGreaterThanOrEqual(1);
    expect(stale(report)?.examples.join(' ')).toContain(user._id.toHexString());
    await runDoctor(services.db, { fix: true });
    expect(stale(await runDoctor(services.db))?.count).toBe(0);
    expect([...((await readIndex(services.db, user._id))?.keys() ?? [])].sort()).toEqual(
      [...ids].sort(),
    );
  });
});
