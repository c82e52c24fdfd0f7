// A session's changes to its messages: a counter and the newest few, which live
// streams resume by (realtime/messageChanges.ts). Written under the session's lock.
import type { Database } from '../db/database';
import type { MessageChangeRecord, SessionDoc } from '../db/documents';

/** How many changes a session keeps for resuming streams; an older resume gets `reset`. */
export const recentChangesKept = 100;

/** The session's change fields with `changes` counted after the ones it has. */
export function withChanges(
  session: SessionDoc,
  changes: Array<Omit<MessageChangeRecord, 'n'>>,
): Pick<SessionDoc, 'change_count' | 'recent_changes'> {
  const first = session.change_count ?? 0;
  const added = changes.map((c, i) => ({ n: first + i + 1, seq: c.seq, kind: c.kind }));
  return {
    change_count: first + changes.length,
    recent_changes: [...(session.recent_changes ?? []), ...added].slice(-recentChangesKept),
  };
}

/** Records `changes` on the stored session; answers the session with them. */
export async function recordChanges(
  db: Database,
  session: SessionDoc,
  changes: Array<Omit<MessageChangeRecord, 'n'>>,
): Promise<SessionDoc> {
  const set = withChanges(session, changes);
  await db.sessions.updateOne({ _id: session._id }, { $set: set });
  return { ...session, ...set };
}
