// Purged sessions leave their owner's index as tombstones: each entry as it last
// was, updated at the purge, kept in the index document's `t` so that a live
// stream resumed later reports the purge (realtime/sessionChangeStream.ts). They
// go after a week, and at most maxTombstones stay, the newest: every list reads
// the index document, so a user who purges thousands of chats must not make each
// list dearer. A stream resumed from before the oldest tombstone kept may miss a
// purge; the list itself never shows a purged session.
import type { ObjectId } from 'mongodb';
import type { Database } from '../db/database';
import { idString } from '../db/ids';
import type { Services } from '../services';
import { type IndexEntry, packEntry, unpackEntry, userLockKey } from './sessionIndex';

export const tombstoneMs = 7 * 86_400_000;
/** Tombstones an index keeps at most. */
export const maxTombstones = 500;

/**
 * Takes purged sessions' entries out of their owner's index, leaving tombstones;
 * those older than a week, and the oldest beyond maxTombstones, go. One read and
 * one write for them all.
 */
export async function dropIndexEntries(
  services: Services,
  userId: ObjectId,
  gone: IndexEntry[],
): Promise<void> {
  if (gone.length === 0) return;
  await services.locks.run(userLockKey(userId), async () => {
    const doc = await services.db.sessionIndex.findOne({ _id: idString(userId) });
    if (!doc) return;
    const unset: Record<string, ''> = {};
    const set: Record<string, string> = {};
    const newest = Math.max(...gone.map((e) => e.updated));
    const goneIds = new Set(gone.map((e) => e.id));
    const kept: IndexEntry[] = [];
    for (const [was, value] of Object.entries(doc.t ?? {})) {
      if (goneIds.has(was)) continue; // written again below
      const entry = unpackEntry(was, value);
      if (!entry || newest - entry.updated > tombstoneMs) unset[`t.${was}`] = '';
      else kept.push(entry);
    }
    const latest = [...new Map(gone.map((e) => [e.id, e])).values()]
      .sort(byNewest)
      .slice(0, maxTombstones);
    kept.sort(byNewest);
    for (const old of kept.slice(Math.max(0, maxTombstones - latest.length))) {
      unset[`t.${old.id}`] = '';
    }
    for (const last of gone) unset[`e.${last.id}`] = '';
    for (const last of latest) set[`t.${last.id}`] = packEntry(last);
    for (const id of goneIds) if (!(`t.${id}` in set)) unset[`t.${id}`] = '';
    await services.db.sessionIndex.updateOne(
      { _id: idString(userId) },
      { $unset: unset, $set: set },
    );
  });
}

const byNewest = (a: IndexEntry, b: IndexEntry) => b.updated - a.updated;

/** Sessions of the user purged at or after `since` (ms), as they last were, from the tombstones. */
export async function purgedSince(
  db: Database,
  userId: ObjectId,
  since: number,
): Promise<IndexEntry[]> {
  const doc = await db.sessionIndex.findOne({ _id: idString(userId) });
  return Object.entries(doc?.t ?? {})
    .map(([id, value]) => unpackEntry(id, value))
    .filter((e): e is IndexEntry => e !== null && e.updated >= since);
}
