// search.query answers only the caller's own chats: another user's titles and
// messages never appear, not even as a snippet; the trash never; and a rename,
// a delete or a restore shows in the very next search.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../src/services';
import { closeServices, newUser, testServices } from '../support/harness';

let services: Services;
beforeAll(async () => {
  services = await testServices();
});
afterAll(() => closeServices(services));

describe('search ownership and the trash', () => {
  it("never returns another user's text, even when both indexes are loaded", async () => {
    const alice = (await newUser(services)).caller;
    const bob = (await newUser(services)).caller;
    const mine = await alice.session.create({ title: 'Shared words' });
    await alice.message.send({ sessionId: mine.id, content: 'pineapple from alice' });
    const theirs = await bob.session.create({ title: 'Shared words, pineapple plans' });
    await bob.message.send({ sessionId: theirs.id, content: 'pineapple secret from bob' });
    await bob.message.send({ sessionId: theirs.id, content: 'zucchini only bob says' });
    expect((await bob.search.query({ q: 'zucchini' })).items).toHaveLength(1);

    const r = await alice.search.query({ q: 'pineapple' });
    expect(r.items.map((h) => h.message?.content)).toEqual(['pineapple from alice']);
    const all = JSON.stringify([r, await alice.search.query({ q: 'zucchini' })]);
    expect(all).not.toContain('bob');
    expect(all).not.toContain(theirs.id);
    expect((await alice.search.query({ q: 'shared' })).items.map((h) => h.session.id)).toEqual([
      mine.id,
    ]);
  });

  it('leaves the trash out, and shows renames, deletes and restores at once', async () => {
    const { caller } = await newUser(services);
    const s = await caller.session.create({ title: 'Quarterly figures' });
    await caller.message.send({ sessionId: s.id, content: 'the walrus budget' });
    const contents = async (q: string) =>
      (await caller.search.query({ q })).items.map((h) => h.message?.content ?? h.snippet);
    expect(await contents('walrus')).toEqual(['the walrus budget']);

    await caller.session.rename({ id: s.id, title: 'Yearly numbers' });
    expect(await contents('quarterly')).toEqual([]);
    expect(await contents('yearly')).toEqual(['Yearly numbers']);

    await caller.session.delete({ id: s.id });
    expect(await contents('walrus')).toEqual([]);
    expect(await contents('yearly')).toEqual([]);

    await caller.session.restore({ id: s.id });
    expect(await contents('walrus')).toEqual(['the walrus budget']);
  });

  it('drops an evicted index and loads it again on the next search', async () => {
    const { caller, user } = await newUser(services);
    const s = await caller.session.create({ title: 'Eviction' });
    await caller.message.send({ sessionId: s.id, content: 'ocelot sighting' });
    expect((await caller.search.query({ q: 'ocelot' })).items).toHaveLength(1);
    services.search.forget(user);
    expect((await caller.search.query({ q: 'ocelot' })).items).toHaveLength(1);
  });
});
