// An index built in the background: the searches meanwhile answer what it has,
// saying `indexing: true`, and the full answer once it is done.
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendToReadModel } from '../../src/chat/readModel';
import { entryOf, withIndexEntry } from '../../src/chat/sessionIndex';
import type { Services } from '../../src/services';
import { closeServices, newUser, testServices } from '../support/harness';

let services: Services;
beforeAll(async () => {
  // Every catch-up runs in the background, however small.
  services = await testServices({ SEARCH_AWAIT_BUCKETS: '0' });
});
afterAll(() => closeServices(services));

describe('search while the index is built', () => {
  it('says indexing and answers what it has, then everything', async () => {
    const { caller } = await newUser(services);
    const s = await caller.session.create({ title: 'Llama herding' });
    for (let i = 1; i <= 120; i++) {
      await caller.message.send({ sessionId: s.id, content: `llama note ${i}` });
    }
    const first = await caller.search.query({ q: 'llama', limit: 50 });
    expect(first.indexing).toBe(true);

    let last = first;
    for (let i = 0; i < 200 && last.indexing; i++) {
      await new Promise((r) => setTimeout(r, 25));
      last = await caller.search.query({ q: 'llama', limit: 50 });
    }
    expect(last.indexing).toBe(false);
    let total = last.items.length;
    let cursor = last.nextCursor;
    while (cursor) {
      const page = await caller.search.query({ q: 'llama', limit: 50, cursor });
      total += page.items.length;
      cursor = page.nextCursor;
    }
    expect(total).toBe(121); // the title and every message
  });

  it('finds a message whose bucket was written after a search saw its count', async () => {
    const { caller, user } = await newUser(services);
    const s = await caller.session.create({ title: 'In flight' });
    const first = await caller.message.send({ sessionId: s.id, content: 'early bird' });
    const until = async (q: string, n: number) => {
      for (let i = 0; i < 200; i++) {
        const r = await caller.search.query({ q });
        if (!r.indexing && r.items.length === n) return r.items;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`"${q}" never found ${n}`);
    };
    await until('early', 1);
    // A send on another process between its two writes: the count is in the owner's
    // index, the message not yet in its bucket.
    const sessionId = ObjectId.createFromHexString(s.id);
    const doc = await services.db.sessions.findOne({ _id: sessionId });
    if (!doc) throw new Error('no session');
    await withIndexEntry(services, user, { ...entryOf(doc), count: 2 }, async () => {});
    await until('early', 1);
    expect((await caller.search.query({ q: 'arrival' })).items).toEqual([]);
    await appendToReadModel(services.db, sessionId, {
      _id: new ObjectId(),
      seq: 2,
      user_id: user._id,
      role: 'user',
      content: 'late arrival',
      created_at: first.createdAt,
      updated_at: first.createdAt,
    });
    expect((await until('arrival', 1)).map((h) => h.message?.seq)).toEqual([2]);
  });
});
