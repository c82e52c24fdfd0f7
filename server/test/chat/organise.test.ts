import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readIndex } from '../../src/chat/sessionIndex';
import type { Services } from '../../src/services';
import { callerFor, closeServices, codeOf, newUser, testServices } from '../support/harness';

let services: Services;
beforeAll(async () => {
  services = await testServices();
});
afterAll(() => closeServices(services));

type Caller = ReturnType<typeof callerFor>;
type ListInput = NonNullable<Parameters<Caller['session']['list']>[0]>;

/** Every id of a view, page by page. */
async function allPages(caller: Caller, input: ListInput = {}, limit = 2): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 200; i++) {
    const page = await caller.session.list({ ...input, limit, cursor });
    ids.push(...page.items.map((s) => s.id));
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return ids;
}

async function sessions(caller: Caller, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await caller.session.create({ title: `c${i}` })).id);
  return ids;
}

describe('pin, archive and the views of session.list', () => {
  it('lists pinned sessions first, then the rest, each newest first, exactly across pages', async () => {
    const { caller } = await newUser(services);
    const ids = await sessions(caller, 9);
    const newestFirst = [...ids].reverse();
    const fresh = await caller.session.get({ id: ids[0] ?? '' });
    expect(fresh).toMatchObject({ pinned: false, archived: false, folderId: null });

    for (const id of [ids[1], ids[4], ids[7]]) {
      const s = await caller.session.update({ id: id ?? '', pinned: true });
      expect(s.pinned).toBe(true);
    }
    const pinned = [ids[7], ids[4], ids[1]];
    const rest = newestFirst.filter((id) => !pinned.includes(id));
    expect(await allPages(caller)).toEqual([...pinned, ...rest]);
    // A page boundary inside the pinned part and one across it both go on exactly.
    expect(await allPages(caller, {}, 1)).toEqual([...pinned, ...rest]);
    expect(await allPages(caller, {}, 3)).toEqual([...pinned, ...rest]);

    // Pinning one while paging: the cursor carries the pinned part of the order.
    const first = await caller.session.list({ limit: 4 });
    expect(first.items.map((s) => s.id)).toEqual([...pinned, rest[0]]);
    await caller.session.update({ id: ids[0] ?? '', pinned: true });
    const second = await caller.session.list({ limit: 10, cursor: first.nextCursor });
    expect(second.items.map((s) => s.id)).toEqual(rest.slice(1).filter((id) => id !== ids[0]));
  });

  it('archives out of the active view into the archived one; the trash is its own view', async () => {
    const { caller } = await newUser(services);
    const ids = await sessions(caller, 5);
    const [a = '', b = '', c = '', d = ''] = ids;
    expect((await caller.session.update({ id: a, archived: true })).archived).toBe(true);
    await caller.session.update({ id: b, archived: true });
    await caller.session.delete({ id: c });
    await caller.session.update({ id: d, archived: true });
    await caller.session.delete({ id: d }); // archived and trashed: the trash shows it
    expect(await allPages(caller, { view: 'archived' })).toEqual([b, a]);
    expect(await allPages(caller, { view: 'trash' })).toEqual([d, c]);
    expect(await allPages(caller, { deleted: true })).toEqual([d, c]);
    expect(await allPages(caller, { view: 'active' })).toEqual([ids[4]]);
    await caller.session.update({ id: a, archived: false });
    expect(await allPages(caller)).toEqual([ids[4], a]);
  });

  it('reads index entries written before organising as unpinned, unarchived, in no folder', async () => {
    const { user, caller } = await newUser(services);
    const [id = ''] = await sessions(caller, 1);
    const key = user._id.toHexString();
    const stored = await services.db.sessionIndex.findOne({ _id: key });
    const row = JSON.parse(stored?.e[id] ?? '[]') as unknown[];
    expect(row).toHaveLength(8); // no folder: the old length
    await caller.session.update({ id, pinned: true });
    // Put the old form back, as an index from before folders holds it.
    await services.db.sessionIndex.updateOne(
      { _id: key },
      { $set: { [`e.${id}`]: JSON.stringify(row) } },
    );
    expect((await readIndex(services.db, user._id))?.get(id)).toMatchObject({
      pinned: false,
      archived: false,
      folderId: null,
    });
  });

  it('refuses a cursor from another view, folder or user, and a tampered one', async () => {
    const { caller } = await newUser(services);
    const other = await newUser(services);
    await sessions(caller, 3);
    const page = await caller.session.list({ limit: 1 });
    expect(page.nextCursor).not.toBeNull();
    const cursor = page.nextCursor ?? '';
    expect(await codeOf(caller.session.list({ cursor, view: 'archived' }))).toBe('BAD_REQUEST');
    expect(await codeOf(caller.session.list({ cursor, folderId: null }))).toBe('BAD_REQUEST');
    expect(await codeOf(other.caller.session.list({ cursor }))).toBe('BAD_REQUEST');
    const fields = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    for (const bad of [{ p: 1 }, { v: 3 }, { f: 'x'.repeat(100) }, { a: 8_640_000_000_000_001 }]) {
      const forged = Buffer.from(JSON.stringify({ ...fields, ...bad })).toString('base64url');
      expect(await codeOf(caller.session.list({ cursor: forged }))).toBe('BAD_REQUEST');
    }
  });

  it('session.update of a session not yours, or with bad input, is refused and changes nothing', async () => {
    const { caller } = await newUser(services);
    const other = await newUser(services);
    const [mine = ''] = await sessions(caller, 1);
    expect(await codeOf(other.caller.session.update({ id: mine, pinned: true }))).toBe('NOT_FOUND');
    expect(
      await codeOf(caller.session.update({ id: mine, pinned: 'yes' as unknown as boolean })),
    ).toBe('BAD_REQUEST');
    expect(await codeOf(caller.session.update({ id: 'nope', pinned: true }))).toBe('BAD_REQUEST');
    expect((await caller.session.get({ id: mine })).pinned).toBe(false);
  });
});

describe('folders', () => {
  it('creates, lists with counts, renames and deletes; a deleted folder lets its chats go', async () => {
    const { caller } = await newUser(services);
    const ids = await sessions(caller, 4);
    const work = await caller.folder.create({ name: '  Work  ' });
    expect(work).toMatchObject({ name: 'Work', sessionCount: 0 });
    const home = await caller.folder.create({ name: 'Home' });
    for (const id of ids.slice(0, 3)) await caller.session.update({ id, folderId: work.id });
    await caller.session.update({ id: ids[3] ?? '', folderId: home.id });
    await caller.session.update({ id: ids[2] ?? '', archived: true });

    const listed = await caller.folder.list();
    expect(listed.items.map((f) => [f.name, f.sessionCount])).toEqual([
      ['Home', 1],
      ['Work', 2],
    ]);
    expect(await allPages(caller, { folderId: work.id })).toEqual([ids[1], ids[0]]);
    expect(await allPages(caller, { folderId: work.id, view: 'archived' })).toEqual([ids[2]]);
    expect(await allPages(caller, { folderId: null })).toEqual([]);

    const renamed = await caller.folder.rename({ id: work.id, name: 'Projects' });
    expect(renamed).toMatchObject({ id: work.id, name: 'Projects', sessionCount: 2 });
    expect(renamed.updatedAt.getTime()).toBeGreaterThanOrEqual(work.updatedAt.getTime());
    // A folder may take its own name in another case.
    expect((await caller.folder.rename({ id: home.id, name: 'HOME' })).name).toBe('HOME');

    const deleted = await caller.folder.delete({ id: work.id });
    expect({ ...deleted, moved: [...deleted.moved].sort() }).toEqual({
      ok: true,
      moved: ids.slice(0, 3).sort(),
    });
    expect((await caller.folder.list()).items.map((f) => f.name)).toEqual(['HOME']);
    for (const id of ids.slice(0, 3)) {
      expect((await caller.session.get({ id })).folderId).toBeNull();
    }
    expect(await allPages(caller, { folderId: null })).toEqual([ids[1], ids[0]]);
    expect(await codeOf(caller.folder.delete({ id: work.id }))).toBe('NOT_FOUND');
  });

  it('moves chats out of a folder a stopped process deleted without emptying', async () => {
    const { user, caller } = await newUser(services);
    const [id = ''] = await sessions(caller, 1);
    const folder = await caller.folder.create({ name: 'Half gone' });
    await caller.session.update({ id, folderId: folder.id });
    // The folder goes, as folder.delete's first step does, and nothing more.
    await services.db.folders.updateOne(
      { _id: user._id.toHexString() },
      { $unset: { [`f.${folder.id}`]: '' } },
    );
    expect((await caller.folder.list()).items).toEqual([]);
    await expect
      .poll(async () => (await caller.session.get({ id })).folderId, { timeout: 10_000 })
      .toBeNull();
    expect(await allPages(caller, { folderId: null })).toEqual([id]);
  });

  it('names are unique without regard to case, 1–100 characters, at most 500 per user', async () => {
    const { caller } = await newUser(services);
    await caller.folder.create({ name: 'Reading' });
    expect(await codeOf(caller.folder.create({ name: 'rEADING' }))).toBe('CONFLICT');
    const other = await caller.folder.create({ name: 'Other' });
    expect(await codeOf(caller.folder.rename({ id: other.id, name: ' reading ' }))).toBe(
      'CONFLICT',
    );
    expect(await codeOf(caller.folder.create({ name: '   ' }))).toBe('BAD_REQUEST');
    expect(await codeOf(caller.folder.create({ name: 'x'.repeat(101) }))).toBe('BAD_REQUEST');
    expect(await codeOf(caller.folder.create({ name: 'a\u0000b' }))).toBe('BAD_REQUEST');
    expect((await caller.folder.create({ name: '🙂'.repeat(100) })).name).toBe('🙂'.repeat(100));
    for (let i = (await caller.folder.list()).items.length; i < 500; i++) {
      await caller.folder.create({ name: `f${i}` });
    }
    expect(await codeOf(caller.folder.create({ name: 'one too many' }))).toBe('FORBIDDEN');
    expect((await caller.folder.list()).items).toHaveLength(500);
  });

  it("another user's folder is NOT_FOUND to rename, delete or move into", async () => {
    const a = await newUser(services);
    const b = await newUser(services);
    const theirs = await b.caller.folder.create({ name: 'Theirs' });
    const [mine = ''] = await sessions(a.caller, 1);
    expect(await codeOf(a.caller.folder.rename({ id: theirs.id, name: 'x' }))).toBe('NOT_FOUND');
    expect(await codeOf(a.caller.folder.delete({ id: theirs.id }))).toBe('NOT_FOUND');
    expect(await codeOf(a.caller.session.update({ id: mine, folderId: theirs.id }))).toBe(
      'NOT_FOUND',
    );
    const bulk = await a.caller.session.bulk({ ids: [mine], action: 'move', folderId: theirs.id });
    expect(bulk.results).toEqual([{ id: mine, ok: false, code: 'NOT_FOUND' }]);
    expect((await a.caller.session.get({ id: mine })).folderId).toBeNull();
    expect((await b.caller.folder.list()).items).toEqual([{ ...theirs, sessionCount: 0 }]);
    expect((await a.caller.folder.list()).items).toEqual([]);
  });
});

describe('session.bulk', () => {
  it('acts on each id alone, and repeating a call changes nothing more', async () => {
    const { caller } = await newUser(services);
    const other = await newUser(services);
    const ids = await sessions(caller, 4);
    const [theirs = ''] = await sessions(other.caller, 1);
    const folder = await caller.folder.create({ name: 'Box' });

    const pin = await caller.session.bulk({ ids: [...ids.slice(0, 2), theirs], action: 'pin' });
    expect(pin.results).toEqual([
      { id: ids[0], ok: true },
      { id: ids[1], ok: true },
      { id: theirs, ok: false, code: 'NOT_FOUND' },
    ]);
    const before = await caller.session.get({ id: ids[0] ?? '' });
    expect((await caller.session.bulk({ ids: ids.slice(0, 2), action: 'pin' })).results).toEqual([
      { id: ids[0], ok: true },
      { id: ids[1], ok: true },
    ]);
    expect(await caller.session.get({ id: ids[0] ?? '' })).toEqual(before);

    await caller.session.bulk({ ids, action: 'move', folderId: folder.id });
    expect((await caller.folder.list()).items[0]?.sessionCount).toBe(4);
    await caller.session.bulk({ ids: ids.slice(0, 1), action: 'move', folderId: null });
    await caller.session.bulk({ ids: ids.slice(1, 2), action: 'archive' });
    await caller.session.bulk({ ids: ids.slice(2, 3), action: 'delete' });
    expect((await caller.folder.list()).items[0]?.sessionCount).toBe(1);
    expect(await allPages(caller, { view: 'archived' })).toEqual([ids[1]]);
    await caller.session.bulk({ ids: ids.slice(1, 3), action: 'unarchive' });
    await caller.session.bulk({ ids: ids.slice(1, 3), action: 'restore' });
    await caller.session.bulk({ ids: ids.slice(0, 2), action: 'unpin' });
    expect(await allPages(caller)).toEqual([...ids].reverse());

    const purge = await caller.session.bulk({ ids: ids.slice(2, 4), action: 'purge' });
    expect(purge.results.map((r) => r.code)).toEqual([
      'PRECONDITION_FAILED',
      'PRECONDITION_FAILED',
    ]);
    await caller.session.bulk({ ids: ids.slice(2, 4), action: 'delete' });
    const gone = await caller.session.bulk({ ids: ids.slice(2, 4), action: 'purge' });
    expect(gone.results.every((r) => r.ok)).toBe(true);
    expect(await codeOf(caller.session.get({ id: ids[2] ?? '' }))).toBe('NOT_FOUND');
  });

  it('refuses bad input as a whole: no ids, more than 100, a move without a folderId', async () => {
    const { caller } = await newUser(services);
    const [id = ''] = await sessions(caller, 1);
    expect(await codeOf(caller.session.bulk({ ids: [], action: 'pin' }))).toBe('BAD_REQUEST');
    const many = Array.from({ length: 101 }, () => id);
    expect(await codeOf(caller.session.bulk({ ids: many, action: 'pin' }))).toBe('BAD_REQUEST');
    expect(await codeOf(caller.session.bulk({ ids: [id], action: 'move' }))).toBe('BAD_REQUEST');
    expect(
      await codeOf(caller.session.bulk({ ids: [id], action: 'shred' as unknown as 'pin' })),
    ).toBe('BAD_REQUEST');
    expect((await caller.session.get({ id })).pinned).toBe(false);
  });

  it('20 concurrent bulk calls and folder deletions on overlapping ids leave counts exact', async () => {
    const { user, caller } = await newUser(services);
    const tabs = [caller, callerFor(services, user), callerFor(services, user)];
    const ids = await sessions(caller, 30);
    const folders = await Promise.all(
      ['A', 'B', 'C', 'D'].map((name) => caller.folder.create({ name })),
    );
    const [fa, fb, fc, fd] = folders.map((f) => f.id);
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < 20; i++) {
      const tab = tabs[i % tabs.length] as Caller;
      const slice = ids.slice((i * 3) % 20, ((i * 3) % 20) + 10);
      const into = [fa, fb, fc, fd][i % 4] ?? null;
      const actions = [
        () => tab.session.bulk({ ids: slice, action: 'move', folderId: into }),
        () => tab.session.bulk({ ids: slice, action: i % 2 ? 'pin' : 'unpin' }),
        () => tab.session.bulk({ ids: slice, action: i % 3 ? 'archive' : 'unarchive' }),
        () => tab.session.bulk({ ids: slice, action: i % 2 ? 'delete' : 'restore' }),
      ];
      calls.push((actions[i % 4] as () => Promise<unknown>)());
      if (i === 5) calls.push(tab.folder.delete({ id: fa ?? '' }));
      if (i === 12) calls.push(tab.folder.delete({ id: fb ?? '' }));
    }
    await Promise.all(calls);

    const stored = await Promise.all(ids.map((id) => caller.session.get({ id })));
    const live = new Set([fc, fd]);
    for (const s of stored) expect(s.folderId === null || live.has(s.folderId)).toBe(true);
    const counts = new Map<string, number>();
    for (const s of stored) {
      if (s.folderId && !s.deleted && !s.archived)
        counts.set(s.folderId, (counts.get(s.folderId) ?? 0) + 1);
    }
    const listed = (await caller.folder.list()).items;
    expect(listed.map((f) => [f.name, f.sessionCount])).toEqual([
      ['C', counts.get(fc ?? '') ?? 0],
      ['D', counts.get(fd ?? '') ?? 0],
    ]);
    // The index agrees with every session, and the active list is pinned-first exact.
    const index = await readIndex(services.db, user._id);
    for (const s of stored) {
      expect(index?.get(s.id)).toMatchObject({
        pinned: s.pinned,
        archived: s.archived,
        deleted: s.deleted,
        folderId: s.folderId,
      });
    }
    const active = stored
      .filter((s) => !s.deleted && !s.archived)
      .sort(
        (a, b) =>
          Number(b.pinned) - Number(a.pinned) ||
          b.createdAt.getTime() - a.createdAt.getTime() ||
          (a.id < b.id ? 1 : -1),
      )
      .map((s) => s.id);
    expect(await allPages(caller, {}, 7)).toEqual(active);
  });
});
