// The organising state through an account export and import: folders (matched by
// name, made up to the cap), pins, the archive and the trash come back as they
// were; a second import adds nothing; an export from before folders still imports;
// another tab sees the chats and the folders arrive.
import type { FolderChange, SessionStreamEvent } from '@parley/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import { importFolders } from '../../src/chat/folders';
import { clientFor, record, waitFor } from '../realtime/support';
import { startTestServer } from '../support/harness';
import { comparable, exportAccountLines, importBody, signedInUser } from './support';

let parley: Parley;
let original: Awaited<ReturnType<typeof exportAccountLines>>;

type Line = Record<string, unknown>;
const sessionLines = (lines: Line[]) => lines.filter((l) => l.type === 'session');
const byTitle = (lines: Line[], title: string) =>
  sessionLines(lines).find((l) => l.title === title) as Line;

beforeAll(async () => {
  parley = await startTestServer();
  const { caller, token } = await signedInUser(parley);
  const work = await caller.folder.create({ name: 'Work' });
  const home = await caller.folder.create({ name: 'Home' });
  await caller.folder.create({ name: 'Empty' });
  const chat = async (title: string, messages: number) => {
    const s = await caller.session.create({ title });
    for (let i = 1; i <= messages; i++)
      await caller.message.send({ sessionId: s.id, content: `${title} ${i}` });
    return s.id;
  };
  const pinned = await chat('Pinned at work', 3);
  const archived = await chat('Archived at home', 2);
  const trashed = await chat('Trashed at work', 1);
  const both = await chat('Pinned and archived', 1);
  await chat('Plain', 0);
  await caller.session.update({ id: pinned, pinned: true, folderId: work.id });
  await caller.session.update({ id: archived, archived: true, folderId: home.id });
  await caller.session.update({ id: trashed, folderId: work.id });
  await caller.session.delete({ id: trashed });
  await caller.session.update({ id: both, pinned: true, archived: true });
  original = await exportAccountLines(parley, token);
});
afterAll(() => parley.stop());

describe('an account export’s organising state', () => {
  it('has a line per folder after the account line, and each chat’s pin, archive, folder and trash', () => {
    const [account, ...rest] = original.lines;
    expect(account).toMatchObject({ type: 'account', folders: 3, sessions: 5, messages: 7 });
    expect(rest.slice(0, 3).map((l) => [l.type, l.name])).toEqual([
      ['folder', 'Work'],
      ['folder', 'Home'],
      ['folder', 'Empty'],
    ]);
    expect(rest.slice(3).some((l) => l.type === 'folder')).toBe(false);
    const [work, home] = rest;
    expect(byTitle(rest, 'Pinned at work')).toMatchObject({ pinned: true, folderId: work?.id });
    expect(byTitle(rest, 'Archived at home')).toMatchObject({
      archived: true,
      folderId: home?.id,
    });
    const trashed = byTitle(rest, 'Trashed at work');
    expect(trashed).toMatchObject({ deleted: true, folderId: work?.id });
    expect(typeof trashed.deletedAt).toBe('string');
  });

  it('comes back whole in a new account, live in its other tab, and a second import adds nothing', async () => {
    const b = await signedInUser(parley);
    const tab = clientFor(parley.url, b.token);
    const seen = record<{ id: string; data: FolderChange | SessionStreamEvent }>((h) =>
      tab.folder.onChange.subscribe({ sessions: true }, h),
    );
    await waitFor('the first list', () => seen.events.length === 1);

    const first = await importBody(parley, b.token, original.text);
    expect(first.report).toMatchObject({ sessions: 5, messages: 7, folders: 3, errors: [] });
    const again = await exportAccountLines(parley, b.token);
    expect(comparable(again.lines)).toEqual(comparable(original.lines));
    const totals = (l: Line | undefined) => {
      const { user: _u, exportedAt: _e, ...rest } = l ?? {};
      return rest;
    };
    expect(totals(again.lines[0])).toEqual(totals(original.lines[0]));
    const sidebar = await b.caller.session.list({});
    expect(sidebar.items.map((s) => [s.title, s.pinned])).toEqual([
      ['Pinned at work', true],
      ['Plain', false],
    ]);

    // Every chat arrived on the stream, and the folders with their counts as they end up.
    type Event = { kind?: string; session?: { id: string }; folders?: FolderChange['folders'] };
    const kinds = () => seen.events.map((e) => e.data as Event);
    const counts = (e: Event | undefined) => e?.folders?.map((f) => [f.name, f.sessionCount]);
    const final = [
      ['Empty', 0],
      ['Home', 0],
      ['Work', 1],
    ];
    await waitFor('the chats and the counts', () => {
      const events = kinds();
      const chats = events.filter((e) => e.kind === 'created');
      const lists = events.filter((e) => e.kind === 'folders');
      const ids = new Set(chats.map((e) => e.session?.id));
      return ids.size === 5 && JSON.stringify(counts(lists.at(-1))) === JSON.stringify(final);
    });
    seen.unsubscribe();
    expect(kinds().filter((e) => e.kind === 'created')).toHaveLength(5);

    const second = await importBody(parley, b.token, original.text);
    expect(second.report).toMatchObject({
      sessions: 0,
      folders: 0,
      alreadyImported: 5,
      errors: [],
    });
    const unchanged = await exportAccountLines(parley, b.token);
    expect(comparable(unchanged.lines)).toEqual(comparable(original.lines));
  });

  it('files chats into a folder of the same name in any case, and makes the rest', async () => {
    const c = await signedInUser(parley);
    const mine = await c.caller.folder.create({ name: 'WORK' });
    const r = await importBody(parley, c.token, original.text);
    expect(r.report).toMatchObject({ sessions: 5, folders: 2, errors: [] });
    const folders = await c.caller.folder.list();
    expect(folders.items.map((f) => f.name)).toEqual(['Empty', 'Home', 'WORK']);
    const inWork = await c.caller.session.list({ folderId: mine.id });
    expect(inWork.items.map((s) => s.title)).toEqual(['Pinned at work']);
  });

  it('stops making folders at the cap, says so once, and imports those chats outside any', async () => {
    const d = await signedInUser(parley);
    const t0 = Date.now();
    const filler = Array.from({ length: 499 }, (_, i) => ({
      name: `Filler ${i}`,
      created: t0 + i,
      updated: t0 + i,
    }));
    await importFolders(parley.services, d.user, filler);
    const r = await importBody(parley, d.token, original.text);
    expect(r.report).toMatchObject({ sessions: 5, messages: 7, folders: 1 });
    expect(r.report?.errors).toEqual([
      {
        conversation: 'folders',
        reason:
          '2 folders were not created: the account has reached its limit of 500 folders. Their chats were imported outside any folder.',
      },
    ]);
    const archive = await d.caller.session.list({ view: 'archived' });
    const home = archive.items.find((s) => s.title === 'Archived at home');
    expect(home).toMatchObject({ archived: true, folderId: null });
    expect((await d.caller.folder.list()).items).toHaveLength(500);
  });

  it('imports an export written before chats were organised', async () => {
    const old = original.lines
      .filter((l) => l.type !== 'folder')
      .map((l) => {
        if (l.type === 'account') return { ...l, folders: 0 };
        if (l.type !== 'session') return l;
        const { pinned: _p, archived: _a, folderId: _f, ...rest } = l;
        return rest;
      })
      .map((l) => JSON.stringify(l))
      .join('\n');
    const e = await signedInUser(parley);
    const r = await importBody(parley, e.token, `${old}\n`);
    expect(r.report).toMatchObject({ sessions: 5, messages: 7, folders: 0, errors: [] });
    const trash = await e.caller.session.list({ view: 'trash' });
    expect(trash.items.map((s) => [s.title, s.folderId])).toEqual([['Trashed at work', null]]);
    const active = await e.caller.session.list({});
    expect(active.items.every((s) => !s.pinned && !s.archived)).toBe(true);
    expect(active.items).toHaveLength(4);
  });

  it('reports a folder line that is not valid and files its chats in none', async () => {
    const bad = original.text.replace('"name":"Home"', '"name":"   "');
    const f = await signedInUser(parley);
    const r = await importBody(parley, f.token, bad);
    expect(r.report).toMatchObject({ sessions: 5, folders: 2 });
    expect(r.report?.errors).toHaveLength(1);
    expect(r.report?.errors[0]?.conversation).toBe('line 3');
    expect(r.report?.errors[0]?.reason).toMatch(/^the folder is not valid \(name: .*no folder$/);
  });
});
