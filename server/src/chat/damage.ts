// Sessions whose last write failed half-way in this process (services.damaged,
// where tests can see it), and their repair: the read model is rebuilt from
// `messages` before the session is next used. An edit, delete or restore that
// failed after its message was stored is announced by the repair, as the change
// itself would have been: recorded in the session's changes, then published, so
// open live views and the search index read the message as it now is.
import type { MessageChangeRecord, SessionDoc } from '../db/documents';
import { asObjectId, idString } from '../db/ids';
import { publishMessageChange } from '../realtime/channels';
import type { Services } from '../services';
import { recordChanges } from './changeRecords';
import { rebuildReadModel } from './rebuildReadModel';
import { refreshIndexEntry } from './sessionIndex';
import { sessionNotFound } from './sessions';

/** A change to a message stored in `messages` but not yet announced. */
export type HalfDoneChange = Omit<MessageChangeRecord, 'n'>;

/**
 * Brings a session's read model up to date if it was never built or a write broke it,
 * and announces the changes that broke it. Run under the session's lock.
 */
export async function ensureReadModel(
  services: Services,
  session: SessionDoc,
): Promise<SessionDoc> {
  const key = idString(session._id);
  // Being purged: its pages are going, newest first, and a rebuild would bring back
  // ones the purge has passed. For everyone but the purge it is gone already.
  if (session.purging) throw sessionNotFound();
  if (session.read_model === 1 && !services.damaged.has(key)) return session;
  let rebuilt = await rebuildReadModel(services.db, session);
  const changes = services.damaged.get(key) ?? [];
  await refreshIndexEntry(services, rebuilt);
  const owner = asObjectId(rebuilt.user_id);
  if (changes.length > 0 && owner) rebuilt = await recordChanges(services.db, rebuilt, changes);
  // Rebuilt and its changes recorded: only now is there nothing left to repair (a
  // failure before this leaves the mark, and the next use repairs again).
  services.damaged.delete(key);
  if (changes.length === 0 || !owner) return rebuilt;
  const n = rebuilt.change_count ?? 0;
  await publishMessageChange(services, idString(owner), key, n);
  return rebuilt;
}

/**
 * Marks a session whose write failed half-way: it is repaired before its next use.
 * `change`: the message change that was stored but not announced.
 */
export function markDamaged(services: Services, sessionId: string, change?: HalfDoneChange): void {
  const changes = services.damaged.get(sessionId) ?? [];
  if (change) changes.push(change);
  services.damaged.set(sessionId, changes);
}
