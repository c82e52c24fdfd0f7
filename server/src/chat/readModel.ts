// The message read model: a session's messages in buckets of bucketSize by seq,
// each addressed by _id = `<sessionId>:<n>`, so a page anywhere in a history is
// one or two _id lookups on MongoDB and FerretDB alike. `messages` stays the
// source of truth; buckets are checked against the session's message_count and
// rebuilt from `messages` when they disagree or are missing (rebuildReadModel.ts).
// Entries are encoded and decoded here alone: no reader touches their stored form.
import { type AnyBulkWriteOperation, ObjectId } from 'mongodb';
import type { Database } from '../db/database';
import type {
  BucketDoc,
  BucketEntry,
  MessageDoc,
  ReplyStatus,
  Role,
  SessionDoc,
  StoredEntry,
} from '../db/documents';
import { asObjectId, idString } from '../db/ids';
import { replyFieldsOf } from './replyFields';

export const bucketSize = 50;
export const roles = new Set(['user', 'assistant', 'system']);

export const bucketOf = (seq: number) => Math.floor((seq - 1) / bucketSize);
export const bucketId = (sessionId: ObjectId, n: number) => `${idString(sessionId)}:${n}`;

/** Bucket n of a session whose messages, numbered from seq 1 in order, are `messages`. */
export function bucketFrom(
  sessionId: ObjectId,
  messages: Array<MessageDoc & { seq: number }>,
  n: number,
): BucketDoc {
  return {
    _id: bucketId(sessionId, n),
    session_id: sessionId,
    n,
    messages: messages
      .slice(n * bucketSize, (n + 1) * bucketSize)
      .map((m) => encodeEntry(toEntry(m))),
  };
}

/** Every bucket of a session whose messages, numbered from seq 1 in order, are `messages`. */
export function bucketsFrom(
  sessionId: ObjectId,
  messages: Array<MessageDoc & { seq: number }>,
): BucketDoc[] {
  const buckets: BucketDoc[] = [];
  for (let n = 0; n * bucketSize < messages.length; n++)
    buckets.push(bucketFrom(sessionId, messages, n));
  return buckets;
}

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

/**
 * A bucket entry as stored now: one JSON string per message. FerretDB decodes and
 * re-encodes a whole bucket on every append, and a string costs it one field where
 * an object costs a dozen (an append costs 0.4 of an object one, DESIGN-NOTES-sends.md).
 * Ids are hex, dates milliseconds since the epoch; absent keys are absent fields.
 */
interface PackedEntry {
  /** _id */ i: string;
  /** seq */ s: number;
  /** user_id */ u: string;
  /** role */ r: Role;
  /** content */ c: string;
  /** created_at */ t: number;
  /** updated_at, when it differs from created_at */ m?: number;
  /** client_id */ k?: string;
  /** edited_at */ e?: number;
  /** deleted_at: present only on a deleted message */ d?: number;
  /** reply status, error, model and earlier texts */ st?: ReplyStatus;
  er?: string | null;
  mo?: string;
  pv?: string[];
}

/** The stored form of an entry: what every writer of a bucket puts in `messages`. */
export function encodeEntry(e: BucketEntry): string {
  const created = e.created_at.getTime();
  const updated = e.updated_at.getTime();
  const p: PackedEntry = {
    i: e._id.toHexString(),
    s: e.seq,
    // An object entry an older version wrote may hold the owner's id as hex.
    u: (asObjectId(e.user_id) ?? e.user_id).toHexString(),
    r: e.role,
    c: e.content,
    t: created,
    ...(updated !== created ? { m: updated } : {}),
    ...(e.client_id !== undefined ? { k: e.client_id } : {}),
    ...(e.edited_at instanceof Date ? { e: e.edited_at.getTime() } : {}),
    ...(e.deleted === true ? { d: (e.deleted_at ?? e.updated_at).getTime() } : {}),
    ...(e.status !== undefined ? { st: e.status, er: e.error ?? null } : {}),
    ...(e.model !== undefined ? { mo: e.model } : {}),
    ...(e.previous !== undefined ? { pv: e.previous } : {}),
  };
  return JSON.stringify(p);
}

const hex = /^[0-9a-f]{24}$/;
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function unpack(raw: string): BucketEntry | null {
  let p: Partial<PackedEntry>;
  try {
    p = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof p !== 'object' || p === null) return null;
  const { i, s, u, r, c, t, m, k, e, d } = p;
  if (typeof i !== 'string' || !hex.test(i) || typeof u !== 'string' || !hex.test(u)) return null;
  if (!Number.isSafeInteger(s) || (s as number) < 1 || !roles.has(r as string)) return null;
  if (typeof c !== 'string' || !isTime(t)) return null;
  return {
    _id: new ObjectId(i),
    seq: s as number,
    user_id: new ObjectId(u),
    role: r as Role,
    content: c,
    created_at: new Date(t),
    updated_at: new Date(isTime(m) ? m : t),
    ...(typeof k === 'string' ? { client_id: k } : {}),
    ...replyFieldsOf({ status: p.st, error: p.er, model: p.mo, previous: p.pv }),
    ...(isTime(e) ? { edited_at: new Date(e) } : {}),
    ...(isTime(d) ? { deleted: true, deleted_at: new Date(d) } : {}),
  };
}

/** A stored entry as a reader sees it, packed or as older versions stored it; null if unreadable. */
export function decodeEntry(stored: StoredEntry): BucketEntry | null {
  if (typeof stored === 'string') return unpack(stored);
  if (typeof stored !== 'object' || stored === null) return null;
  return stored._id instanceof ObjectId && Number.isSafeInteger(stored.seq) ? stored : null;
}

/**
 * The readable entries of a bucket, in stored order. An unreadable one is left out,
 * so the bucket no longer holds its expected count and readers repair it from `messages`.
 */
export function entriesOf(bucket: Pick<BucketDoc, 'messages'> | null | undefined): BucketEntry[] {
  const out: BucketEntry[] = [];
  for (const stored of bucket?.messages ?? []) {
    const e = decodeEntry(stored);
    if (e) out.push(e);
  }
  return out;
}

/**
 * Rewrites one message's entry in its bucket, in place (`change` gets the entry as
 * stored): false when the bucket lacks it. Run under the session's lock.
 */
export async function rewriteEntry(
  db: Database,
  sessionId: ObjectId,
  seq: number,
  messageId: ObjectId,
  change: (e: BucketEntry) => BucketEntry,
): Promise<boolean> {
  const _id = bucketId(sessionId, bucketOf(seq));
  const bucket = await db.buckets.findOne({ _id });
  const stored = bucket?.messages ?? [];
  const at = stored.findIndex((s) => decodeEntry(s)?._id.equals(messageId));
  const was = at < 0 ? null : decodeEntry(stored[at] as StoredEntry);
  if (!was) return false;
  await db.buckets.updateOne({ _id }, { $set: { [`messages.${at}`]: encodeEntry(change(was)) } });
  return true;
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
    const entries = entriesOf(bucket);
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
      update: {
        $push: { messages: { $each: each.map(encodeEntry) } },
        $setOnInsert: { session_id: sessionId, n },
      },
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
