// The check behind every session list: the sessions a list showed, read by `_id`
// after the answer has gone, against the entries the list came from. An index
// that disagrees with chat_sessions (the source of truth) is rebuilt.
import { ObjectId } from 'mongodb';
import type { SessionDoc } from '../db/documents';
import { asObjectId, idString } from '../db/ids';
import { log } from '../log';
import type { Services } from '../services';
import {
  entryOf,
  type IndexEntry,
  isListed,
  packEntry,
  readIndex,
  rebuildIndex,
  userLockKey,
} from './sessionIndex';

/** True when the stored session is the user's and is what its entry says. */
function agrees(userId: ObjectId, entry: IndexEntry | undefined, doc: SessionDoc | null): boolean {
  if (!entry || !doc || !isListed(doc) || !asObjectId(doc.user_id)?.equals(userId)) return false;
  return packEntry(entryOf(doc)) === packEntry(entry);
}

/** When each user's listed sessions were last checked against chat_sessions, per process. */
export class ListChecks {
  private readonly last = new Map<string, number>();
  constructor(
    private readonly everyMs = 5_000,
    private readonly maxUsers = 10_000,
  ) {}

  /** True (and noted) when the user is due a check. */
  due(userId: ObjectId, now = Date.now()): boolean {
    const key = idString(userId);
    if (now - (this.last.get(key) ?? 0) < this.everyMs) return false;
    this.last.delete(key);
    if (this.last.size >= this.maxUsers) {
      const oldest = this.last.keys().next().value;
      if (oldest !== undefined) this.last.delete(oldest);
    }
    this.last.set(key, now);
    return true;
  }
}

/**
 * Checks the sessions a list showed against chat_sessions, by `_id`, after the
 * answer has gone (at most every few seconds per user). When one disagrees, this
 * process's writers are waited for and the check repeated; if it still disagrees
 * (a crash between the two writes, another process, a repair) the index is
 * rebuilt, so the next list is right.
 */
export function checkListed(services: Services, userId: ObjectId, ids: string[]): void {
  if (ids.length === 0 || !services.listChecks.due(userId)) return;
  const load = () =>
    Promise.all(
      ids.map((id) => services.db.sessions.findOne({ _id: ObjectId.createFromHexString(id) })),
    );
  const run = async () => {
    const index = (await readIndex(services.db, userId)) ?? new Map();
    const docs = await load();
    if (docs.every((d, i) => agrees(userId, index.get(ids[i] ?? ''), d))) return;
    await services.locks.run(userLockKey(userId), async () => {
      const fresh = (await readIndex(services.db, userId)) ?? new Map();
      const again = await load();
      if (!again.every((d, i) => agrees(userId, fresh.get(ids[i] ?? ''), d))) {
        await rebuildIndex(services.db, userId);
      }
    });
  };
  run().catch((e) => log.warn('session list check failed', { error: String(e) }));
}
