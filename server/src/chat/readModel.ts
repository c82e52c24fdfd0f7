// The message read model: a session's messages in buckets of bucketSize by seq,
// each addressed by _id = `<sessionId>:<n>`, so a page anywhere in a history is
// one or two _id lookups on MongoDB and FerretDB alike. `messages` stays the
// source of truth; buckets are checked against the session's message_count and
// rebuilt from `messages` when they disagree or are missing.
import { TRPCError } from '@trpc/server';
import { type AnyBulkWriteOperation, ObjectId } from 'mongodb';
import type { Database } from '../db/database';
import type { BucketDoc, BucketEntry, MessageDoc, SessionDoc } from '../db/documents';
import { asObjectId, idString, storedRefs } from '../db/ids';
import { log } from '../log';
import { replyFieldsOf } from './replyFields';

export const bucketSize = 50;
const writeBatch = 50;

export const bucketOf = (seq: number) => Math.floor((seq - 1) / bucketSize);
export const bucketId = (sessionId: ObjectId, n: number) => `${idString(sessionId)}:${n}`;

export function toEntry(m: MessageDoc & { seq: number }): BucketEntry {
  return {
    _id: m._id,
    seq: m.seq,
    user_id: m.user_id,
    role: m.role,
    content: m.content,
    created_at: m.created_at,
    updated_at: m.updated_at,
    ...(m.client_id ? { client_id: m.client_id } : {}),
    ...replyFieldsOf(m),
    ...(m.edited_at instanceof Date ? { edited_at: m.edited_at } : {}),
    ...(m.deleted === true ? { deleted: true, deleted_at: m.deleted_at ?? m.updated_at } : {}),
  };
}

/** How many messages bucket n holds when the session has `count` messages. */
function expectedInBucket(n: number, count: number): number {
  return Math.max(0, Math.min(bucketSize, count - n * bucketSize));
}

/** The most buckets one read may span: a page of messagePageMax needs five. */
export const maxBucketsPerRead = 100;

/**
 * The numbers of the buckets holding seqs [from, to]. Seqs reach here from
 * clients' cursors: a range that is not of safe integers or spans too many
 * buckets is a caller's bug, refused before it can drive the loop.
 */
function bucketsFor(from: number, to: number): number[] {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 1) {
    throw new RangeError(`message range [${from}, ${to}] is not of seqs`);
  }
  const first = bucketOf(from);
  const last = bucketOf(to);
  if (last - first >= maxBucketsPerRead) {
    throw new RangeError(
      `message range [${from}, ${to}] spans more than ${maxBucketsPerRead} buckets`,
    );
  }
  const ns: number[] = [];
  for (let n = first; n <= last; n++) ns.push(n);
  return ns;
}

/** The buckets holding seqs [from, to] of a session, by one _id lookup each, never a filter. */
export function fetchBuckets(
  db: Database,
  sessionId: ObjectId,
  from: number,
  to: number,
): Promise<Array<BucketDoc | null>> {
  if (to < from) return Promise.resolve([]);
  return Promise.all(
    bucketsFor(from, to).map((n) => db.buckets.findOne({ _id: bucketId(sessionId, n) })),
  );
}

/**
 * Messages with seq in [from, to] (inclusive), oldest first, or null when the
 * buckets disagree with the session's count (the caller repairs and retries).
 * `fetched` may hand in the buckets fetchBuckets gave for the same range.
 */
export async function readRange(
  db: Database,
  session: SessionDoc,
  from: number,
  to: number,
  fetched?: Promise<Array<BucketDoc | null>>,
): Promise<BucketEntry[] | null> {
  if (to < from) return [];
  const count = session.message_count ?? 0;
  const ns = bucketsFor(from, to);
  const buckets = await (fetched ?? fetchBuckets(db, session._id, from, to));
  const out: BucketEntry[] = [];
  for (const [i, bucket] of buckets.entries()) {
    const n = ns[i] ?? 0;
    const entries = bucket?.messages ?? [];
    if (entries.length !== expectedInBucket(n, count)) return null;
    for (const e of entries) if (e.seq >= from && e.seq <= to) out.push(e);
  }
  out.sort((a, b) => a.seq - b.seq);
  return out.length === to - from + 1 ? out : null;
}

/**
 * The bucket writes that append `entries` (consecutive seqs, oldest first): one
 * `$push` with `$each` per bucket they fall in, creating a bucket with its first.
 */
export function bucketAppends(
  sessionId: ObjectId,
  entries: BucketEntry[],
): Array<AnyBulkWriteOperation<BucketDoc>> {
  const byBucket = new Map<number, BucketEntry[]>();
  for (const e of entries) {
    const n = bucketOf(e.seq);
    byBucket.set(n, [...(byBucket.get(n) ?? []), e]);
  }
  return [...byBucket].map(([n, each]) => ({
    updateOne: {
      filter: { _id: bucketId(sessionId, n) },
      update: { $push: { messages: { $each: each } }, $setOnInsert: { session_id: sessionId, n } },
      upsert: true,
    },
  }));
}

/** Appends messages (one, or consecutive seqs) to their buckets. */
export async function appendToReadModel(
  db: Database,
  sessionId: ObjectId,
  entries: BucketEntry | BucketEntry[],
): Promise<void> {
  const ops = bucketAppends(sessionId, Array.isArray(entries) ? entries : [entries]);
  if (ops.length > 0) await db.buckets.bulkWrite(ops, { ordered: true });
}

const roles = new Set(['user', 'assistant', 'system']);

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
export class UnreadableMessagesError extends TRPCError {
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
 * Renumbers a session's messages 1..N in order and rewrites its buckets and
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
  messages.sort(
    (a, b) =>
      a.created_at.getTime() - b.created_at.getTime() ||
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
      const doc: BucketDoc = {
        _id,
        session_id: session._id,
        n,
        messages: numbered.slice(n * bucketSize, (n + 1) * bucketSize).map(toEntry),
      };
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
