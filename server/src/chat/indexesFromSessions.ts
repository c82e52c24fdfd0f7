// Every user's session index built from chat_sessions in one pass: what the
// doctor compares the stored indexes with, and what the first start on a database
// the old service wrote fills them from. Request paths never call these (a scan).
import type { ObjectId } from 'mongodb';
import type { Database } from '../db/database';
import { asObjectId, idString } from '../db/ids';
import type { Services } from '../services';
import { entryOf, isListed, packIndex, type SessionIndex, userLockKey } from './sessionIndex';

/**
 * Every user's index as chat_sessions says it should be, from one pass over the
 * collection (the doctor, and the first start on an old database).
 */
export async function indexesFromSessions(db: Database): Promise<Map<string, SessionIndex>> {
  const all = new Map<string, SessionIndex>();
  for await (const doc of db.sessions.find({})) {
    const owner = asObjectId(doc.user_id);
    if (!owner || !isListed(doc)) continue;
    const key = idString(owner);
    const index = all.get(key) ?? new Map();
    all.set(key, index);
    const entry = entryOf(doc);
    index.set(entry.id, entry);
  }
  return all;
}

/** Writes `index` as the user's unless the user has one already (built or changed meanwhile). */
export async function writeIndexIfAbsent(
  services: Services,
  userId: ObjectId,
  index: SessionIndex,
): Promise<boolean> {
  return services.locks.run(userLockKey(userId), async () => {
    if (await services.db.sessionIndex.findOne({ _id: idString(userId) })) return false;
    await services.db.sessionIndex.updateOne(
      { _id: idString(userId) },
      { $setOnInsert: { e: packIndex(index.values()) } },
      { upsert: true },
    );
    return true;
  });
}
