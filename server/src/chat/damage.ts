// Sessions whose last write failed half-way in this process (services.damaged,
// where tests can see it), and their repair: the read model is rebuilt from
// `messages` before the session is next used.
import type { SessionDoc } from '../db/documents';
import { idString } from '../db/ids';
import type { Services } from '../services';
import { rebuildReadModel } from './rebuildReadModel';
import { refreshIndexEntry } from './sessionIndex';
import { sessionNotFound } from './sessions';

/** Brings a session's read model up to date if it was never built or a write broke it. */
export async function ensureReadModel(
  services: Services,
  session: SessionDoc,
): Promise<SessionDoc> {
  const key = idString(session._id);
  // Being purged: its pages are going, newest first, and a rebuild would bring back
  // ones the purge has passed. For everyone but the purge it is gone already.
  if (session.purging) throw sessionNotFound();
  if (session.read_model === 1 && !services.damaged.has(key)) return session;
  const rebuilt = await rebuildReadModel(services.db, session);
  services.damaged.delete(key);
  await refreshIndexEntry(services, rebuilt);
  return rebuilt;
}

/** Marks a session whose write failed half-way: it is repaired before its next use. */
export function markDamaged(services: Services, sessionId: string): void {
  services.damaged.add(sessionId);
}
