import { defaultSessionTitle } from '@parley/shared';
import { describe, expect, it } from 'vitest';
import type { Session } from '../trpc/types';
import { emptySession, flattenSessions, placeSession, type SessionPages } from './sessionCache';
import { makeSession } from './testSessions';

const t = (hour: number) => new Date(2026, 10, 24, hour);

function pages(...lists: [Session[], string | null][]): SessionPages<string | null> {
  return {
    pages: lists.map(([items, nextCursor]) => ({ items, nextCursor })),
    pageParams: lists.map((_, i) => (i === 0 ? null : `c${i}`)),
  };
}
const ids = (data: SessionPages | undefined) => data?.pages.map((p) => p.items.map((s) => s.id));

describe('placing a changed session in a cached list', () => {
  const a = makeSession({ lastMessageAt: t(10) });
  const b = makeSession({ lastMessageAt: t(8) });
  const c = makeSession({ lastMessageAt: t(6) });
  const d = makeSession({ lastMessageAt: t(4) });

  it('moves a session with a new message to the top', () => {
    const data = pages([[a, b], 'c1'], [[c, d], null]);
    const moved = { ...c, lastMessageAt: t(11) };
    expect(ids(placeSession(data, moved, true))).toEqual([[c.id, a.id, b.id], [d.id]]);
  });

  it('takes a deleted session out of the live list and into the Trash', () => {
    const live = pages([[a, b, c], null]);
    const trash = pages([[d], null]);
    const deleted = { ...b, deleted: true, deletedAt: t(12) };
    expect(ids(placeSession(live, deleted, false))).toEqual([[a.id, c.id]]);
    expect(ids(placeSession(trash, deleted, true))).toEqual([[b.id, d.id]]);
  });

  it('renames in place without moving', () => {
    const data = pages([[a, b, c], null]);
    const renamed = { ...b, title: 'Renamed' };
    const result = placeSession(data, renamed, true);
    expect(ids(result)).toEqual([[a.id, b.id, c.id]]);
    expect(result?.pages[0]?.items[1]?.title).toBe('Renamed');
  });

  it('leaves a session older than every loaded one to paging, unless all pages are loaded', () => {
    const old = makeSession({ lastMessageAt: t(1) });
    expect(ids(placeSession(pages([[a, b], 'c1']), old, true))).toEqual([[a.id, b.id]]);
    expect(ids(placeSession(pages([[a, b], null]), old, true))).toEqual([[a.id, b.id, old.id]]);
  });

  it('breaks ties of activity by id, as the server does', () => {
    const same = t(9);
    const low = makeSession({ lastMessageAt: same });
    const high = makeSession({ lastMessageAt: same });
    const placed = placeSession(pages([[a, low, b], null]), high, true);
    expect(ids(placed)).toEqual([[a.id, high.id, low.id, b.id]]);
  });

  it('does nothing to a list that is not loaded', () => {
    expect(placeSession(undefined, a, true)).toBeUndefined();
  });

  it('flattens pages once per session', () => {
    expect(flattenSessions(pages([[a, b], 'c1'], [[b, c], null])).map((s) => s.id)).toEqual([
      a.id,
      b.id,
      c.id,
    ]);
  });
});

describe('the empty chat New Chat opens', () => {
  it('is a loaded chat with no messages that is not in the Trash', () => {
    const busy = makeSession({ messageCount: 3, title: defaultSessionTitle });
    const trashed = makeSession({ messageCount: 0, deleted: true, title: defaultSessionTitle });
    const empty = makeSession({ messageCount: 0, title: defaultSessionTitle });
    expect(emptySession(pages([[busy, trashed], 'c1'], [[empty], null]))?.id).toBe(empty.id);
    expect(emptySession(pages([[busy, trashed], null]))).toBeNull();
    expect(emptySession(undefined)).toBeNull();
  });

  it('is never one the user has titled, even with no messages yet', () => {
    const named = makeSession({ messageCount: 0, title: 'Trip to Lisbon' });
    const untitled = makeSession({ messageCount: 0, title: defaultSessionTitle });
    expect(emptySession(pages([[named, untitled], null]))?.id).toBe(untitled.id);
    expect(emptySession(pages([[named], null]))).toBeNull();
  });
});
