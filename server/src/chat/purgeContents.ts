// Deleting a purged session's contents, in the background and in bounded batches:
// its messages, their buckets and idempotency keys, then the session, all by `_id`.
// The buckets name every message (and its clientId), so nothing is found by a
// filter; writes go in batches of at most 50, since FerretDB v1 stalls on big bulk
// writes. Buckets go from the newest down; after each batch the session records how
// far it got (its `purging` progress), so a purge cut short resumes where it stopped
// and repeats only idempotent deletes. The session goes last.
import type { ObjectId } from 'mongodb';
import type { Database } from '../db/database';
import type { BucketDoc, PurgeProgress, SessionDoc } from '../db/documents';
import { idString, storedRefs } from '../db/ids';
import { log } from '../log';
import { storedCount } from './mappers';
import { bucketId, bucketSize, entriesOf } from './readModel';

const writeBatch = 50;
/** Buckets read and purged per step. */
const readBatch = 4;
/** A progress line at most this often per purge. */
const progressEveryMs = 2_000;

/** Where a purge of `session` starts: one bucket past the count too (a send cut short may have written there). */
export function purgeStart(session: SessionDoc, at = new Date()): PurgeProgress {
  return {
    at,
    left: Math.ceil(storedCount(session) / bucketSize) + 1,
    seen: 0,
    complete: session.read_model === 1,
  };
}

async function deleteByIds<T extends string | ObjectId>(
  remove: (batch: T[]) => Promise<unknown>,
  ids: T[],
): Promise<void> {
  for (let i = 0; i < ids.length; i += writeBatch) await remove(ids.slice(i, i + writeBatch));
}

const byIdOne = <T>(ids: T[]) => ids.map((_id) => ({ deleteOne: { filter: { _id } } }));

/** One bucket's messages and their keys (the bucket itself goes once the progress says so). */
async function purgeBucketMessages(db: Database, sid: string, bucket: BucketDoc): Promise<number> {
  const messages = entriesOf(bucket);
  await deleteByIds(
    (b) => db.messages.bulkWrite(byIdOne(b) as never, { ordered: false }),
    messages.map((m) => m._id),
  );
  const keys = messages.filter((m) => m.client_id).map((m) => `${sid}:${m.client_id}`);
  await deleteByIds((b) => db.messageKeys.bulkWrite(byIdOne(b), { ordered: false }), keys);
  return messages.length;
}

/**
 * A session without a trustworthy read model (the old service's, or one a failed
 * send left uneven): its messages by session_id, the one scan here, then by _id.
 */
async function purgeUnindexed(db: Database, session: SessionDoc): Promise<void> {
  const sid = idString(session._id);
  const left = await db.messages
    .find(
      { session_id: { $in: storedRefs(session._id) as ObjectId[] } },
      { projection: { _id: 1, client_id: 1 } },
    )
    .toArray();
  const keys = left.filter((m) => m.client_id).map((m) => `${sid}:${m.client_id}`);
  await deleteByIds((b) => db.messageKeys.bulkWrite(byIdOne(b), { ordered: false }), keys);
  await deleteByIds(
    (b) => db.messages.bulkWrite(byIdOne(b) as never, { ordered: false }),
    left.map((m) => m._id),
  );
}

const range = (from: number, to: number) =>
  Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);

/**
 * Deletes a marked session's contents from where its progress stands. `carryOn` runs
 * before each step (the lease renewed, the process not stopping); false stops the
 * purge there, to be resumed. True once the session itself is gone.
 */
export async function purgeContents(
  db: Database,
  session: SessionDoc & { purging: PurgeProgress },
  carryOn: () => Promise<boolean>,
): Promise<boolean> {
  const sid = idString(session._id);
  const count = storedCount(session);
  const total = Math.ceil(count / bucketSize) + 1;
  let { left, seen, complete } = session.purging;
  // A step cut short after its progress was written may have left its buckets.
  await Promise.all(
    range(left, Math.min(total, left + readBatch)).map((n) =>
      db.buckets.deleteOne({ _id: bucketId(session._id, n) }),
    ),
  );
  let loggedAt = Date.now();
  while (left > 0) {
    if (!(await carryOn())) return false;
    const ns = range(Math.max(0, left - readBatch), left);
    const found = await Promise.all(
      ns.map((n) => db.buckets.findOne({ _id: bucketId(session._id, n) })),
    );
    for (const [i, bucket] of found.entries()) {
      if (!bucket && (ns[i] ?? 0) * bucketSize < count) complete = false;
    }
    const held = await Promise.all(
      found.map((bucket) => (bucket ? purgeBucketMessages(db, sid, bucket) : 0)),
    );
    seen += held.reduce((a, b) => a + b, 0);
    left = ns[0] ?? 0;
    const purging: PurgeProgress = { at: session.purging.at, left, seen, complete };
    await db.sessions.updateOne({ _id: session._id }, { $set: { purging } });
    await Promise.all(found.map((b) => (b ? db.buckets.deleteOne({ _id: b._id }) : null)));
    if (Date.now() - loggedAt >= progressEveryMs) {
      loggedAt = Date.now();
      log.info('purging chat', { session: sid, bucketsLeft: left, buckets: total, messages: seen });
    }
  }
  if (!(complete && seen === count)) await purgeUnindexed(db, session);
  await db.sessions.deleteOne({ _id: session._id });
  return true;
}
