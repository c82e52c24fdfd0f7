// Purged sessions leave tombstones in their owner's index for resumed live streams:
// for a week at most, and never more than maxTombstones, the newest kept.
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryOf, packEntry } from '../../src/chat/sessionIndex';
import { maxTombstones, purgedSince, tombstoneMs } from '../../src/chat/tombstones';
import type { Services } from '../../src/services';
import { callerFor, closeServices, newUser, testServices } from '../support/harness';

let services: Services;
beforeAll(async () => {
  services = await testServices();
});
afterAll(() => closeServices(services));

const tombstonesOf = async (userId: string) =>
  Object.keys((await services.db.sessionIndex.findOne({ _id: userId }))?.t ?? {});

describe('tombstones of purged sessions', () => {
  it('keeps the newest maxTombstones of a week, and drops the rest at the next purge', async () => {
    const { user, caller } = await newUser(services);
    const userId = user._id.toHexString();
    const purged = async (title: string) => {
      const { id } = await caller.session.create({ title });
      await caller.session.delete({ id });
      await caller.session.purge({ id });
      return id;
    };
    const since = Date.now();
    const first = await purged('first');
    const alive = await caller.session.create({ title: 'alive' });
    // As many tombstones as a user who purged chats all week would leave, and two
    // from over a week ago, written beside the real one.
    const doc = await services.db.sessions.findOne({ _id: ObjectId.createFromHexString(alive.id) });
    if (!doc) throw new Error('no session to copy');
    const now = Date.now();
    const t: Record<string, string> = {};
    const made: Array<{ id: string; updated: number }> = [];
    for (let i = 0; i < maxTombstones + 100; i++) {
      const id = (0x100000 + i).toString(16).padStart(24, 'a');
      const updated = i < 2 ? now - tombstoneMs - 60_000 * (i + 1) : now - 60_000 * i;
      made.push({ id, updated });
      t[`t.${id}`] = packEntry({ ...entryOf(doc), id, updated });
    }
    await services.db.sessionIndex.updateOne({ _id: userId }, { $set: t });
    expect((await tombstonesOf(userId)).length).toBe(maxTombstones + 101);

    const last = await purged('last');
    const kept = await tombstonesOf(userId);
    expect(kept.length).toBe(maxTombstones);
    expect(kept).toContain(last);
    expect(kept).toContain(first);
    // The newest of the others stay; the oldest and the week-old ones went.
    const others = made
      .filter((m) => now - m.updated <= tombstoneMs)
      .sort((a, b) => b.updated - a.updated)
      .map((m) => m.id);
    expect(new Set(kept)).toEqual(new Set([last, first, ...others.slice(0, maxTombstones - 2)]));
    // A stream resumed from before the purges still hears of the ones kept.
    const heard = (await purgedSince(services.db, user._id, since)).map((e) => e.id);
    expect(heard.sort()).toEqual([first, last].sort());
    // Lists and the trash never show them.
    const c = callerFor(services, user);
    expect((await c.session.list({})).items.map((s) => s.id)).toEqual([alive.id]);
    expect((await c.session.list({ view: 'trash' })).items).toEqual([]);
  });
});
