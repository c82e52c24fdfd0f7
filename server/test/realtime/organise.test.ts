// Organising over real HTTP, seen live by another tab: pins, archives and moves
// arrive on session.onChange as `updated`, a purge as `purged` (also when resuming
// after it), and folder changes on folder.onChange as the whole list.
import type { FolderChange, SessionChange, SessionStreamEvent } from '@parley/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import { newUser, startTestServer } from '../support/harness';
import { type Client, clientFor, record, tokenFor, waitFor } from './support';

type Tracked<T> = { id: string; data: T };
/** What folder.onChange sends: folder lists, and with `sessions: true` session changes too. */
type FolderEvent = FolderChange | SessionStreamEvent;
const foldersOf = (e: Tracked<FolderEvent> | undefined) =>
  (e?.data as FolderChange | undefined)?.folders ?? [];

describe('organising, seen by another tab', () => {
  let server: Parley;
  let tab: Client;
  let other: Client;

  beforeAll(async () => {
    server = await startTestServer();
    const { user } = await newUser(server.services);
    tab = clientFor(server.url, tokenFor(server.services, user));
    other = clientFor(server.url, tokenFor(server.services, user));
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('pin, archive, move and purge reach the other tab; a resumed stream learns of a purge', async () => {
    const a = await tab.session.create.mutate({ title: 'a' });
    const b = await tab.session.create.mutate({ title: 'b' });
    const folder = await tab.folder.create.mutate({ name: 'Live' });
    const seen = record<Tracked<SessionChange>>((h) => other.session.onChange.subscribe({}, h));
    await waitFor('stream to start', () => seen.starts === 1);

    await tab.session.update.mutate({ id: a.id, pinned: true });
    await tab.session.bulk.mutate({ ids: [a.id], action: 'move', folderId: folder.id });
    await tab.session.update.mutate({ id: a.id, archived: true });
    await tab.session.delete.mutate({ id: b.id });
    await tab.session.purge.mutate({ id: b.id });
    await waitFor('five events', () => seen.events.length >= 5);
    seen.unsubscribe();
    const kinds = seen.events.map((e) => [e.data.kind, e.data.session.id]);
    expect(kinds).toEqual([
      ['updated', a.id],
      ['updated', a.id],
      ['updated', a.id],
      ['deleted', b.id],
      ['purged', b.id],
    ]);
    const last = seen.events[2]?.data.session;
    expect(last).toMatchObject({ pinned: true, folderId: folder.id, archived: true });

    // Away while another chat is purged: the resumed stream reports it, once.
    const c = await tab.session.create.mutate({ title: 'c' });
    await tab.session.delete.mutate({ id: c.id });
    const from = seen.events.at(-1)?.id;
    await tab.session.purge.mutate({ id: c.id });
    const resumed = record<Tracked<SessionChange>>((h) =>
      other.session.onChange.subscribe({ lastEventId: from }, h),
    );
    await waitFor('the purge, caught up', () =>
      resumed.events.some((e) => e.data.kind === 'purged' && e.data.session.id === c.id),
    );
    resumed.unsubscribe();
    expect(resumed.events.filter((e) => e.data.session.id === b.id)).toEqual([]);
  });

  it('folder.onChange sends the list at once, then after each change, counts included', async () => {
    const seen = record<Tracked<FolderEvent>>((h) => other.folder.onChange.subscribe({}, h));
    await waitFor('the first list', () => seen.events.length === 1);
    const first = foldersOf(seen.events[0])?.length ?? 0;
    const made = await tab.folder.create.mutate({ name: 'Fresh' });
    await waitFor('created', () => seen.events.length === 2);
    await tab.folder.rename.mutate({ id: made.id, name: 'Renamed' });
    await waitFor('renamed', () => seen.events.length === 3);
    await tab.folder.delete.mutate({ id: made.id });
    await waitFor('deleted', () => seen.events.length === 4);
    const lists = seen.events.map((e) => foldersOf(e).map((f) => f.name));
    expect(lists[1]).toContain('Fresh');
    expect(lists[2]).toContain('Renamed');
    expect(lists[3]).not.toContain('Renamed');
    expect(lists[3]).toHaveLength(first);

    // Resumed from the last list: nothing changed since, so nothing is sent first.
    const lastId = seen.events.at(-1)?.id;
    seen.unsubscribe();
    const resumed = record<Tracked<FolderEvent>>((h) =>
      other.folder.onChange.subscribe({ lastEventId: lastId }, h),
    );
    await waitFor('resumed stream to start', () => resumed.starts === 1);
    await tab.folder.create.mutate({ name: 'After' });
    await waitFor('the next change', () => resumed.events.length >= 1);
    resumed.unsubscribe();
    expect(resumed.events).toHaveLength(1);
    expect(foldersOf(resumed.events[0])?.map((f) => f.name)).toContain('After');
  });

  it('a move into or out of a folder sends the folders with their new counts', async () => {
    const folder = await tab.folder.create.mutate({ name: 'Counted' });
    const s = await tab.session.create.mutate({ title: 'moved' });
    const seen = record<Tracked<FolderEvent>>((h) => other.folder.onChange.subscribe({}, h));
    await waitFor('the first list', () => seen.events.length === 1);
    const countOf = (i: number) =>
      foldersOf(seen.events[i])?.find((f) => f.id === folder.id)?.sessionCount;
    await tab.session.update.mutate({ id: s.id, folderId: folder.id });
    await waitFor('the move in', () => seen.events.length === 2);
    await tab.session.update.mutate({ id: s.id, archived: true });
    await waitFor('the archive', () => seen.events.length === 3);
    seen.unsubscribe();
    expect([countOf(0), countOf(1), countOf(2)]).toEqual([0, 1, 0]);
  });

  it('folder.onChange with sessions: true carries both on one stream, as a browser tab uses it', async () => {
    const seen = record<Tracked<FolderEvent>>((h) =>
      other.folder.onChange.subscribe({ sessions: true }, h),
    );
    await waitFor('the first list', () => seen.events.length === 1);
    expect((seen.events[0]?.data as SessionStreamEvent | undefined)?.kind).toBe('folders');
    const s = await tab.session.create.mutate({ title: 'one stream' });
    await tab.session.update.mutate({ id: s.id, pinned: true });
    const made = await tab.folder.create.mutate({ name: 'One stream' });
    await waitFor('three more', () => seen.events.length >= 4);
    seen.unsubscribe();
    const kinds = seen.events.slice(1).map((e) => (e.data as SessionStreamEvent).kind);
    expect(kinds).toEqual(['created', 'updated', 'folders']);
    expect(foldersOf(seen.events[3])?.map((f) => f.id)).toContain(made.id);
  });

  it('answers errors over HTTP with their codes: bad input, not yours, not in the trash, a taken name', async () => {
    const codeOf = (p: Promise<unknown>) =>
      p.then(
        () => 'OK',
        (e: { data?: { code?: string } }) => e.data?.code ?? 'ERROR',
      );
    const stranger = await newUser(server.services);
    const theirs = clientFor(server.url, tokenFor(server.services, stranger.user));
    const s = await tab.session.create.mutate({ title: 'http' });
    const f = await tab.folder.create.mutate({ name: 'Http' });
    const ids = Array.from({ length: 101 }, () => s.id);
    expect(await codeOf(tab.session.bulk.mutate({ ids, action: 'pin' }))).toBe('BAD_REQUEST');
    expect(await codeOf(theirs.session.update.mutate({ id: s.id, pinned: true }))).toBe(
      'NOT_FOUND',
    );
    expect(await codeOf(theirs.folder.rename.mutate({ id: f.id, name: 'x' }))).toBe('NOT_FOUND');
    expect(await codeOf(tab.session.purge.mutate({ id: s.id }))).toBe('PRECONDITION_FAILED');
    expect(await codeOf(tab.folder.create.mutate({ name: 'HTTP' }))).toBe('CONFLICT');
    expect(await codeOf(tab.session.list.query({ view: 'everything' as 'trash' }))).toBe(
      'BAD_REQUEST',
    );
  });
});
