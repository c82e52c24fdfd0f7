// Each user's session index (chat/sessionIndex.ts) against chat_sessions: every
// session of theirs listed once, as it is stored, and nothing else. --fix writes
// the entries chat_sessions gives, keeping the tombstones of purged sessions. Runs
// last, after the checks that change sessions.
import { indexesFromSessions } from '../../chat/indexesFromSessions';
import { type IndexEntry, packIndex, readIndex } from '../../chat/sessionIndex';
import { toObjectId } from '../../db/ids';
import { type Check, newFinding, note } from '../types';

function same(a: Map<string, IndexEntry>, b: Map<string, IndexEntry>): boolean {
  if (a.size !== b.size) return false;
  for (const [id, x] of a) {
    const y = b.get(id);
    if (!y || x.activity !== y.activity || x.updated !== y.updated || x.deleted !== y.deleted)
      return false;
  }
  return true;
}

export const sessionIndexes: Check = {
  name: 'session indexes',
  async run({ db, fix, progress }) {
    const finding = newFinding('session_index.stale', 'missing or disagrees with chat_sessions');
    const expected = await indexesFromSessions(db);
    // Users with an index but no sessions left should have an empty one.
    for await (const doc of db.sessionIndex.find({}, { projection: { _id: 1 } })) {
      if (!expected.has(doc._id) && /^[0-9a-f]{24}$/.test(doc._id))
        expected.set(doc._id, new Map());
    }
    let done = 0;
    for (const [userId, index] of expected) {
      progress('session indexes', ++done, expected.size);
      const stored = await readIndex(db, toObjectId(userId));
      if (stored && same(stored, index)) continue;
      note(
        finding,
        () => `user ${userId}: ${stored ? 'disagrees' : 'missing'}, ${index.size} sessions`,
      );
      if (!fix) continue;
      // $set keeps the tombstones (`t`) of purged sessions that resumed live streams report.
      await db.sessionIndex.updateOne(
        { _id: userId },
        { $set: { e: packIndex(index.values()) } },
        { upsert: true },
      );
      finding.repaired++;
    }
    return [finding];
  },
};
