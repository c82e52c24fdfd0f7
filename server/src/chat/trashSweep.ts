// The trash empties itself: sessions trashed more than TRASH_RETENTION_DAYS ago are
// purged. The sweep walks the users' session indexes a page at a time (a background
// sweep may scan; requests never do), finds old trash by each entry's deletedAt,
// and purges it a few sessions at a time. Several processes may sweep at once:
// a purge checks the session under its lock and is idempotent.
import { ObjectId } from 'mongodb';
import { log } from '../log';
import type { Services } from '../services';
import { purgeMany } from './purge';
import { readIndex } from './sessionIndex';

const dayMs = 86_400_000;
/** Index documents read per page. */
const userPage = 50;

/** Purges every session in the trash longer than the retention; answers how many. */
export async function sweepTrash(services: Services, now = Date.now()): Promise<number> {
  const days = services.config.trashRetentionDays;
  if (days === 0) return 0;
  const olderThan = now - days * dayMs;
  let purged = 0;
  let after = '';
  for (;;) {
    const page = await services.db.sessionIndex
      .find(after ? { _id: { $gt: after } } : {}, { projection: { _id: 1 } })
      .sort({ _id: 1 })
      .limit(userPage)
      .toArray();
    for (const { _id } of page) {
      if (!/^[0-9a-f]{24}$/.test(_id)) continue;
      const userId = ObjectId.createFromHexString(_id);
      const index = await readIndex(services.db, userId);
      const old = [...(index?.values() ?? [])]
        .filter((e) => e.deleted && e.deletedAt !== null && e.deletedAt < olderThan)
        .map((e) => e.id);
      if (old.length === 0) continue;
      // One user's failure (a full purge backlog, a lost write) leaves the others swept.
      try {
        purged += await purgeMany(services, userId, old, { olderThan });
      } catch (e) {
        log.warn('trash sweep skipped a user', { user: _id, error: String(e) });
      }
    }
    const last = page.at(-1);
    if (!last || page.length < userPage) return purged;
    after = last._id;
  }
}
