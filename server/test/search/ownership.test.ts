// search.query answers only the caller's own chats: another user's titles and
// messages never appear, not even as a snippet; the trash never; and a rename,
// a delete or a restore shows in the very next search.
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bucketId, rewriteEntry } from '../../src/chat/readModel';
import { userChannel } from '../../src/realtime/channels';
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

  it('drops a chat whose entry leaves the session index, as a purge leaves it', async () => {
    const { caller, user } = await newUser(services);
    const s = await caller.session.create({ title: 'Short lived' });
    await caller.message.send({ sessionId: s.id, content: 'gone tomorrow, narwhal' });
    expect((await caller.search.query({ q: 'narwhal' })).items).toHaveLength(1);
    const held = services.search.stats().texts;
    // What a purge stores: no entry in the owner's index, no session, no buckets.
    await services.db.sessionIndex.updateOne(
      { _id: user._id.toHexString() },
      { $unset: { [`e.${s.id}`]: '' } },
    );
    await services.db.sessions.deleteOne({ _id: ObjectId.createFromHexString(s.id) });
    await services.db.buckets.deleteOne({ _id: bucketId(ObjectId.createFromHexString(s.id), 0) });
    expect((await caller.search.query({ q: 'narwhal' })).items).toEqual([]);
    expect((await caller.search.query({ q: 'short' })).items).toEqual([]);
    expect(services.search.stats().texts).toBe(held - 2); // its title and message, gone from memory
  });

  it('reads a chat again when its user channel tells of a change in place (an edit)', async () => {
    const { caller, user } = await newUser(services);
    const s = await caller.session.create({ title: 'Edits' });
    const m = await caller.message.send({ sessionId: s.id, content: 'a typo here: teh' });
    expect((await caller.search.query({ q: 'teh' })).items).toHaveLength(1);
    // An edit as it will be stored: the bucket's entry changes, the count does not.
    await rewriteEntry(
      services.db,
      ObjectId.createFromHexString(s.id),
      1,
      ObjectId.createFromHexString(m.id),
      (e) => ({ ...e, content: 'a typo here: the' }),
    );
    const session = await caller.session.get({ id: s.id });
    await services.bus.publish(userChannel(user._id.toHexString()), {
      id: 'edit',
      change: { kind: 'edited', session, message: { ...m, content: 'a typo here: the' } },
    });
    expect((await caller.search.query({ q: 'teh' })).items).toEqual([]);
    expect((await caller.search.query({ q: 'here' })).items.map((h) => h.message?.content)).toEqual(
      ['a typo here: the'],
    );
  });
});

describe('search and message edits', () => {
  it('finds an edited message by its new words, and a deleted one no more', async () => {
    const { caller } = await newUser(services);
    const s = await caller.session.create({ title: 'Edits' });
    const kept = await caller.message.send({ sessionId: s.id, content: 'marmalade recipe' });
    const gone = await caller.message.send({ sessionId: s.id, content: 'gooseberry recipe' });
    expect((await caller.search.query({ q: 'gooseberry' })).items).toHaveLength(1);
    await caller.message.edit({ id: kept.id, content: 'apricot recipe' });
    await caller.message.delete({ id: gone.id });
    await vi.waitFor(
      async () => {
        expect((await caller.search.query({ q: 'gooseberry' })).items).toEqual([]);
        const edited = await caller.search.query({ q: 'apricot' });
        expect(edited.items.map((h) => h.message?.id)).toEqual([kept.id]);
        expect((await caller.search.query({ q: 'marmalade' })).items).toEqual([]);
      },
      { timeout: 3_000 },
    );
  });
});

describe('search and organising', () => {
  it('leaves archived chats out unless asked, and narrows to a folder', async () => {
    const { caller } = await newUser(services);
    const kept = await caller.session.create({ title: 'Kept' });
    const stored = await caller.session.create({ title: 'Stored away' });
    await caller.message.send({ sessionId: kept.id, content: 'walnut harvest' });
    await caller.message.send({ sessionId: stored.id, content: 'walnut storage' });
    const folder = await caller.folder.create({ name: 'Nuts' });
    await caller.session.update({ id: kept.id, folderId: folder.id });
    await caller.session.update({ id: stored.id, archived: true });
    const chatsOf = async (input: Parameters<typeof caller.search.query>[0]) =>
      (await caller.search.query(input)).items.map((h) => h.session.id).sort();
    expect(await chatsOf({ q: 'walnut' })).toEqual([kept.id]);
    expect(await chatsOf({ q: 'walnut', includeArchived: true })).toEqual(
      [kept.id, stored.id].sort(),
    );
    expect(await chatsOf({ q: 'walnut', includeArchived: true, folderId: folder.id })).toEqual([
      kept.id,
    ]);
  });
});

describe('search and purging', () => {
  it('a chat deleted for good leaves no text in the results', async () => {
    const { caller } = await newUser(services);
    const s = await caller.session.create({ title: 'Purged plans' });
    await caller.message.send({ sessionId: s.id, content: 'kumquat marmalade' });
    expect((await caller.search.query({ q: 'kumquat' })).items).toHaveLength(1);
    await caller.session.delete({ id: s.id });
    await caller.session.purge({ id: s.id });
    const after = await caller.search.query({ q: 'kumquat', includeArchived: true });
    expect(after.items).toEqual([]);
    expect((await caller.search.query({ q: 'purged' })).items).toEqual([]);
  });
});
