// The trash empties itself: sessions trashed more than TRASH_RETENTION_DAYS ago are
// purged. The sweep reads the users' session indexes in one pass (a background
// sweep may scan; requests never do), finds old trash by each entry's deletedAt,
// then purges it a few sessions at a time. Any filter or sort but `{ _id }` reads
// the whole collection on FerretDB v1, so the pass is one plain cursor, never pages.
// It notes at most usersPerPass users' old trash before it lets go of the cursor
// and purges them; only then does another pass look for more. Several processes
// may sweep at once: a purge checks the session under its lock and is idempotent.
import { setImmediate as yieldToRequests } from 'node:timers/promises';
import { ObjectId } from 'mongodb';
import { log } from '../log';
import type { Services } from '../services';
import { purgeMany } from './purge';
import { unpackEntry } from './sessionIndex';

const dayMs = 86_400_000;
/** Index documents the driver fetches at a time: one can hold thousands of entries. */
const batchSize = 20;
/** Users whose old trash one pass notes at most before it purges it. */
const usersPerPass = 500;

/** Purges every session in the trash longer than the retention; answers how many. */
export async function sweepTrash(
  services: Services,
  now = Date.now(),
  opts: { usersPerPass?: number } = {},
): Promise<number> {
  const days = services.config.trashRetentionDays;
  if (days === 0) return 0;
  const olderThan = now - days * dayMs;
  const perPass = opts.usersPerPass ?? usersPerPass;
  // Users whose trash this sweep has purged (or tried to): a later pass skips them.
  const tried = new Set<string>();
  let purged = 0;
  for (;;) {
    const { due, full } = await oldTrash(services, olderThan, tried, perPass);
    for (const [user, ids] of due) {
      tried.add(user);
      // One user's failure (a full purge backlog, a lost write) leaves the others swept.
      try {
        purged += await purgeMany(services, ObjectId.createFromHexString(user), ids, {
          olderThan,
        });
      } catch (e) {
        log.warn('trash sweep skipped a user', { user, error: String(e) });
      }
    }
    if (!full) return purged;
  }
}

/**
 * One pass over the session indexes: the old trash of up to `perPass` users not
 * tried yet, and whether the pass stopped there (more may be due).
 */
async function oldTrash(
  services: Services,
  olderThan: number,
  tried: Set<string>,
  perPass: number,
): Promise<{ due: Map<string, string[]>; full: boolean }> {
  const due = new Map<string, string[]>();
  // The entries only: the tombstones (`t`) are no trash.
  const cursor = services.db.sessionIndex.find({}, { batchSize, projection: { e: 1 } });
  try {
    let seen = 0;
    for await (const doc of cursor) {
      if (++seen % batchSize === 0) await yieldToRequests();
      if (!/^[0-9a-f]{24}$/.test(doc._id) || tried.has(doc._id)) continue;
      const old: string[] = [];
      for (const [id, value] of Object.entries(doc.e ?? {})) {
        const e = unpackEntry(id, value);
        if (e?.deleted && e.deletedAt !== null && e.deletedAt < olderThan) old.push(id);
      }
      if (old.length === 0) continue;
      due.set(doc._id, old);
      if (due.size >= perPass) return { due, full: true };
    }
    return { due, full: false };
  } finally {
    await cursor.close();
  }
}
