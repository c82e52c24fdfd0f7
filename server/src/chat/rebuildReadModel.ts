// Rebuilding a session's message read model from `messages`, the source of truth:
// on first sight of a session the old service wrote, or after a failed write.

import { ObjectId } from 'mongodb';
import type { Database } from '../db/database';
import type { MessageDoc, SessionDoc } from '../db/documents';
import { asObjectId, idString, storedRefs } from '../db/ids';
import { Refusal } from '../lib/refusal';
import { log } from '../log';
import { bucketFrom, bucketId, bucketSize, roles } from './readModel';

const writeBatch = 50;

/** What keeps a stored message out of the read model (the doctor quarantines it), or null. */
function unreadable(m: MessageDoc): string | null {
  if (!(m._id instanceof ObjectId)) return '_id is not an ObjectId';
  if (!(m.created_at instanceof Date)) return 'created_at is not a date';
  if (typeof m.content !== 'string') return 'content is not text';
  if (!roles.has(m.role)) return 'role is unknown';
  if (!asObjectId(m.user_id)) return 'user_id is not an id';
  return null;
}

/** A session whose messages the rebuild cannot all read: left as it is, for the doctor. */
export class UnreadableMessagesError extends Refusal {
  constructor(sessionId: ObjectId, reason: string) {
    super({
      code: 'PRECONDITION_FAILED',
      message:
        'This chat holds messages Parley cannot read. An administrator can repair it with `npm run doctor -- --fix`.',
    });
    log.warn('message read model not rebuilt: run `npm run doctor -- --fix`', {
      session: idString(sessionId),
      reason,
    });
  }
}

/**
 * Renumbers a session's messages 1..N in order (their seqs' when each has its
 * own, else their times') and rewrites its buckets and
 * counters from `messages`. Reads every message of the session: run only on
 * first sight of a session the old service wrote, or after a failed write. It
 * finds messages whose references the old service stored as hex strings, and
 * stores those references as ObjectIds; if any message is unreadable it changes
 * nothing, so a count is never lowered around a message it cannot see.
 */
export async function rebuildReadModel(db: Database, session: SessionDoc): Promise<SessionDoc> {
  const started = Date.now();
  // A message deleted in Parley keeps its seq (seqs are never reused); one the old
  // service deleted never had one and stays out.
  const found = (
    await db.messages.find({ session_id: { $in: storedRefs(session._id) as ObjectId[] } }).toArray()
  ).filter((m) => m.deleted !== true || typeof m.seq === 'number');
  for (const m of found) {
    const why = unreadable(m);
    if (why) throw new UnreadableMessagesError(session._id, why);
  }
  const messages = found.map((m) => ({
    ...m,
    session_id: session._id,
    user_id: asObjectId(m.user_id) ?? m.user_id,
    stringRefs: !(m.session_id instanceof ObjectId) || !(m.user_id instanceof ObjectId),
  }));
  // Messages that all have their own seq keep their order: their times need not follow
  // it (an import's, a clock set back). Only the old service's, without seqs, go by time.
  const seqs = new Set(messages.map((m) => m.seq));
  const numberedBefore =
    seqs.size === messages.length && messages.every((m) => typeof m.seq === 'number');
  messages.sort((a, b) =>
    numberedBefore
      ? (a.seq ?? 0) - (b.seq ?? 0)
      : a.created_at.getTime() - b.created_at.getTime() ||
        (a.seq ?? 0) - (b.seq ?? 0) ||
        a._id.toHexString().localeCompare(b._id.toHexString()),
  );
  const numbered = messages.map(({ stringRefs: _, ...m }, i) => ({ ...m, seq: i + 1 }));
  const renumber = numbered.filter((m, i) => messages[i]?.seq !== m.seq || messages[i]?.stringRefs);
  // FerretDB v1 stalls on a bulk write of a hundred-odd updates: keep each batch small.
  for (let i = 0; i < renumber.length; i += writeBatch) {
    await db.messages.bulkWrite(
      renumber.slice(i, i + writeBatch).map((m) => ({
        updateOne: {
          filter: { _id: m._id },
          update: { $set: { seq: m.seq, session_id: m.session_id, user_id: m.user_id } },
        },
      })),
      { ordered: false },
    );
  }
  const oldBuckets = Math.ceil((session.message_count ?? 0) / bucketSize) + 1;
  const newBuckets = Math.ceil(numbered.length / bucketSize);
  const writes: Promise<unknown>[] = [];
  for (let n = 0; n < Math.max(oldBuckets, newBuckets); n++) {
    const _id = bucketId(session._id, n);
    if (n < newBuckets) {
      const doc = bucketFrom(session._id, numbered, n);
      writes.push(db.buckets.replaceOne({ _id }, doc, { upsert: true }));
    } else {
      writes.push(db.buckets.deleteOne({ _id }));
    }
  }
  await Promise.all(writes);
  const last = numbered.at(-1);
  const set = {
    message_count: numbered.length,
    last_message_at: last?.created_at ?? null,
    activity_at: last?.created_at ?? session.created_at,
    read_model: 1,
  };
  // Only if no send reserved a seq meanwhile (another process): else the next read checks again.
  const r = await db.sessions.updateOne(
    { _id: session._id, message_count: session.message_count ?? null },
    { $set: set },
  );
  if (r.matchedCount === 0) {
    return (await db.sessions.findOne({ _id: session._id })) ?? { ...session, ...set };
  }
  log.info('message read model rebuilt', {
    session: idString(session._id),
    messages: numbered.length,
    renumbered: renumber.length,
    ms: Date.now() - started,
  });
  return { ...session, ...set };
}
