// The doctor's repair of a session index keeps its tombstones: a live stream resumed
// after `npm run doctor -- --fix` still hears of the chats purged before it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgedSince } from '../../src/chat/tombstones';
import { runDoctor } from '../../src/doctor';
import { setLogLevel } from '../../src/log';
import type { Services } from '../../src/services';
import { closeServices, newUser, testServices } from '../support/harness';

let services: Services;
beforeAll(async () => {
  setLogLevel('warn');
  services = await testServices();
});
afterAll(() => closeServices(services));

describe('the doctor and purge tombstones', () => {
  it('repairs a stale index and keeps the tombstones beside it', async () => {
    const { user, caller } = await newUser(services);
    const since = Date.now();
    const gone = await caller.session.create({ title: 'purged' });
    await caller.session.delete({ id: gone.id });
    await caller.session.purge({ id: gone.id });
    const kept = await caller.session.create({ title: 'kept' });
    expect((await purgedSince(services.db, user._id, since)).map((e) => e.id)).toEqual([gone.id]);
    // The index loses an entry: the doctor finds it stale.
    await services.db.sessionIndex.updateOne(
      { _id: user._id.toHexString() },
      { $unset: { [`e.${kept.id}`]: '' } },
    );

    const report = await runDoctor(services.db, { fix: true });
    expect(report.findings.find((f) => f.kind === 'session_index.stale')?.repaired).toBe(1);
    expect((await caller.session.list({})).items.map((s) => s.id)).toEqual([kept.id]);
    expect((await purgedSince(services.db, user._id, since)).map((e) => e.id)).toEqual([gone.id]);
  });
});
