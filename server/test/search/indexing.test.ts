// An index built in the background: the searches meanwhile answer what it has,
// saying `indexing: true`, and the full answer once it is done.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});
