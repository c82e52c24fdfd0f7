// Sessions whose last write failed half-way in this process, and their repair:
// the read model is rebuilt from `messages` before the session is next used.
import type { SessionDoc } from '../db/documents';
import { idString } from '../db/ids';
import type { Services } from '../services';
import { rebuildReadModel } from './readModel';
import { refreshIndexEntry } from './sessionIndex';

export const damaged = new Set<string>();

/** Brings a session's read model up to date if it was never built or a write broke it. */
export async function ensureReadModel(
  services: Services,
  session: SessionDoc,
): Promise<SessionDoc> {
  const key = idString(session._id);
  if (session.read_model === 1 && !damaged.has(key)) return session;
  const rebuilt = await rebuildReadModel(services.db, session);
  damaged.delete(key);
  await refreshIndexEntry(services, rebuilt);
  return rebuilt;
}
