// Each session against its messages: message_count and last_message_at must
// match the live messages, the messages must be numbered 1..N by `seq`, and the
// bucket read model must hold exactly them. --fix rebuilds the session with the
// server's own rebuildReadModel, which renumbers, recounts and rewrites buckets.
import { type Document, ObjectId } from 'mongodb';
import { bucketId, bucketSize, entriesOf } from '../../chat/readModel';
import { rebuildReadModel } from '../../chat/rebuildReadModel';
import type { Database } from '../../db/database';
import type { SessionDoc } from '../../db/documents';
import { asObjectId, showId } from '../ids';
import { type Check, newFinding, note } from '../types';

const iso = (d: unknown) => (d instanceof Date ? d.toISOString() : showId(d ?? null));

/**
 * The session's numbered messages, oldest first, with references still possibly strings:
 * the live ones, and those deleted in Parley, which keep their seq (the old service's had none).
 */
async function liveMessages(db: Database, id: ObjectId): Promise<Document[]> {
  const messages = (
    await db.db
      .collection('messages')
      .find(
        { session_id: { $in: [id, id.toHexString()] } },
        { projection: { _id: 1, seq: 1, created_at: 1, user_id: 1, deleted: 1 } },
      )
      .toArray()
  ).filter((m) => m.deleted !== true || typeof m.seq === 'number');
  return messages.sort(
    (a, b) =>
      (a.created_at?.getTime?.() ?? 0) - (b.created_at?.getTime?.() ?? 0) ||
      (a.seq ?? 0) - (b.seq ?? 0),
  );
}

function numbered(messages: Document[]): boolean {
  const seqs = messages.map((m) => m.seq).sort((a, b) => a - b);
  return seqs.every((s, i) => s === i + 1);
}

/** True when the session's buckets hold exactly its messages, in seq order. */
async function readModelMatches(
  db: Database,
  session: Document,
  id: ObjectId,
  messages: Document[],
): Promise<boolean> {
  if (session.read_model !== 1 || session.message_count !== messages.length) return false;
  const bySeq = [...messages].sort((a, b) => a.seq - b.seq);
  const buckets = Math.ceil(messages.length / bucketSize);
  for (let n = 0; n < buckets; n++) {
    const bucket = await db.buckets.findOne({ _id: bucketId(id, n) });
    const expected = bySeq.slice(n * bucketSize, (n + 1) * bucketSize);
    const entries = entriesOf(bucket);
    if (entries.length !== expected.length) return false;
    for (const [i, e] of entries.entries()) {
      const m = expected[i];
      if (!m || e.seq !== m.seq || !asObjectId(e._id)?.equals(m._id)) return false;
      if (!asObjectId(e.user_id)?.equals(asObjectId(m.user_id) ?? '')) return false;
    }
  }
  return true;
}

export const sessionState: Check = {
  name: 'sessions',
  async run({ db, fix, progress }) {
    const count = newFinding(
      'chat_sessions.message_count',
      'message_count disagrees with the messages',
    );
    const last = newFinding(
      'chat_sessions.last_message_at',
      'last_message_at disagrees with the messages',
    );
    const seq = newFinding('messages.seq', 'not numbered 1..N in their session (seq)');
    const readModel = newFinding('chat_sessions.read_model', 'message read model missing or wrong');
    const total = await db.db.collection('chat_sessions').estimatedDocumentCount();
    let done = 0;
    for await (const session of db.db.collection('chat_sessions').find({})) {
      progress('sessions', ++done, total);
      if (!(session._id instanceof ObjectId)) continue; // the ids check owns these
      // Being purged: its contents are going, and the purge counts on its buckets as they are.
      if (session.purging) continue;
      const id = session._id;
      const messages = await liveMessages(db, id);
      const show = `_id ${id.toHexString()}`;
      let broken = false;
      if (session.message_count !== messages.length) {
        note(count, () => `${show}: ${session.message_count} stored, ${messages.length} messages`);
        broken = true;
      }
      const lastAt = messages.at(-1)?.created_at ?? null;
      if ((session.last_message_at?.getTime?.() ?? null) !== (lastAt?.getTime?.() ?? null)) {
        note(
          last,
          () => `${show}: ${iso(session.last_message_at)} stored, ${iso(lastAt)} expected`,
        );
        broken = true;
      }
      if (!numbered(messages)) {
        const unnumbered = messages.filter((m) => typeof m.seq !== 'number');
        const wrong = unnumbered.length > 0 ? unnumbered : messages;
        for (const m of wrong)
          note(seq, () => `_id ${showId(m._id)} in session ${id.toHexString()}`);
        broken = true;
      }
      if (!(await readModelMatches(db, session, id, messages))) {
        note(readModel, () => `${show}: ${messages.length} messages`);
        broken = true;
      }
      if (fix && broken) await rebuildReadModel(db, session as SessionDoc);
    }
    const findings = [count, last, seq, readModel];
    // One rebuild repairs every kind of damage a session has.
    if (fix) for (const f of findings) f.repaired = f.count;
    return findings;
  },
};
