// Chats whose stored times come before 1970 (written by the old service, or imported
// before imports refused such dates) still page: a list cursor holds their time.
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshIndexEntry } from '../../src/chat/sessionIndex';
import type { Services } from '../../src/services';
import { closeServices, newUser, testServices } from '../support/harness';

let services: Services;
beforeAll(async () => {
  services = await testServices();
});
afterAll(() => closeServices(services));

describe('session lists over times before 1970', () => {
  it('pages one chat at a time through chats from 1968 and 1969', async () => {
    const { caller } = await newUser(services);
    const times = ['1968-03-01', '1969-07-20', '1969-12-31T23:59:59.999Z', '2023-01-01'];
    const ids: string[] = [];
    for (const [i, at] of times.entries()) {
      const s = await caller.session.create({ title: `chat ${i}` });
      const when = new Date(at);
      const _id = ObjectId.createFromHexString(s.id);
      await services.db.sessions.updateOne(
        { _id },
        { $set: { created_at: when, updated_at: when, activity_at: when } },
      );
      const doc = await services.db.sessions.findOne({ _id });
      if (doc) await refreshIndexEntry(services, doc);
      ids.push(s.id);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const r = await caller.session.list({ limit: 1, ...(cursor ? { cursor } : {}) });
      seen.push(...r.items.map((s) => s.id));
      if (!r.nextCursor) break;
      cursor = r.nextCursor;
    }
    expect(seen).toEqual([...ids].reverse());
  });
});
