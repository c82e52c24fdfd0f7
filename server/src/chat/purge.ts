// Deleting a trashed session for good: its messages, their buckets and idempotency
// keys, the session and its index entry, all by `_id`. The buckets name every
// message (and its clientId), so nothing is found by a filter; writes go in
// batches of at most 50, since FerretDB v1 stalls on big bulk writes. Bucket by
// bucket, messages and keys go before the bucket naming them, and the session
// last, so a purge cut short is finished by the next (purging is idempotent).
import { TRPCError } from '@trpc/server';
import type { ObjectId } from 'mongodb';
import type { Database } from '../db/database';
import type { BucketDoc, SessionDoc, UserDoc } from '../db/documents';
import { idString, storedRefs } from '../db/ids';
import { log } from '../log';
import { publishSessionChange } from '../realtime/channels';
import type { Services } from '../services';
import { bucketId, bucketSize, entriesOf } from './readModel';
import { dropIndexEntry, entryOf, indexOf, sessionOf } from './sessionIndex';
import { loadOwnedSession, sessionLockKey } from './sessions';

const writeBatch = 50;
/** Buckets read and purged at once. */
const readBatch = 4;

const notInTrash = () =>
  new TRPCError({
    code: 'PRECONDITION_FAILED',
    message: 'Only a chat in the trash can be deleted for good.',
  });

async function deleteByIds<T extends string | ObjectId>(
  remove: (batch: T[]) => Promise<unknown>,
  ids: T[],
): Promise<void> {
  for (let i = 0; i < ids.length; i += writeBatch) await remove(ids.slice(i, i + writeBatch));
}

const byIdOne = <T>(ids: T[]) => ids.map((_id) => ({ deleteOne: { filter: { _id } } }));

/** One bucket's messages, their keys, then the bucket. */
async function purgeBucket(db: Database, session: SessionDoc, bucket: BucketDoc): Promise<number> {
  const sid = idString(session._id);
  const messages = entriesOf(bucket);
  await deleteByIds(
    (b) => db.messages.bulkWrite(byIdOne(b) as never, { ordered: false }),
    messages.map((m) => m._id),
  );
  const keys = messages.filter((m) => m.client_id).map((m) => `${sid}:${m.client_id}`);
  await deleteByIds((b) => db.messageKeys.bulkWrite(byIdOne(b), { ordered: false }), keys);
  await db.buckets.deleteOne({ _id: bucket._id });
  return messages.length;
}

/**
 * Every message of the session, by its buckets; true when they held exactly the
 * session's count, so no message can be left outside them.
 */
async function purgeMessages(db: Database, session: SessionDoc): Promise<boolean> {
  const count = session.message_count ?? 0;
  // One bucket past the count too: a send cut short may have written there.
  const buckets = Math.ceil(count / bucketSize) + 1;
  let seen = 0;
  let complete = session.read_model === 1;
  for (let n = 0; n < buckets; n += readBatch) {
    const ns = Array.from({ length: Math.min(readBatch, buckets - n) }, (_, i) => n + i);
    const found = await Promise.all(
      ns.map((k) => db.buckets.findOne({ _id: bucketId(session._id, k) })),
    );
    for (const [i, bucket] of found.entries()) {
      if (!bucket && (ns[i] ?? 0) * bucketSize < count) complete = false;
    }
    const held = await Promise.all(
      found.map((bucket) => (bucket ? purgeBucket(db, session, bucket) : 0)),
    );
    seen += held.reduce((a, b) => a + b, 0);
  }
  return complete && seen === count;
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

/**
 * Purges one trashed session of `userId`, under the session's lock (sends and
 * restores take it too). NOT_FOUND if it is gone or not theirs, PRECONDITION_FAILED
 * if it is not in the trash; `olderThan` (ms) also skips one trashed more recently.
 */
export async function purgeSession(
  services: Services,
  userId: ObjectId,
  id: string,
  opts: { olderThan?: number } = {},
): Promise<boolean> {
  const { db } = services;
  const purged = await services.locks.run(sessionLockKey(id), async () => {
    const session = await loadOwnedSession(services, userId, id);
    if (!session.deleted) throw notInTrash();
    if (opts.olderThan !== undefined) {
      const at = session.deleted_at instanceof Date ? session.deleted_at.getTime() : 0;
      if (at >= opts.olderThan) return false;
    }
    if (!(await purgeMessages(db, session))) await purgeUnindexed(db, session);
    // Another process purging it too: the one whose delete lands reports it.
    if ((await db.sessions.deleteOne({ _id: session._id })).deletedCount === 0) return false;
    const at = Math.max(Date.now(), (session.updated_at?.getTime() ?? 0) + 1);
    return { ...entryOf(session), updated: at };
  });
  if (!purged) return false;
  await dropIndexEntry(services, userId, purged);
  await publishSessionChange(services, { kind: 'purged', session: sessionOf(purged, userId) });
  return true;
}

/** Sessions purged at once. */
const purgeBatch = 4;

/** Purges the given trashed sessions, a few at a time; answers how many went. */
export async function purgeMany(
  services: Services,
  userId: ObjectId,
  ids: string[],
  opts: { olderThan?: number } = {},
): Promise<number> {
  let purged = 0;
  for (let i = 0; i < ids.length; i += purgeBatch) {
    const done = await Promise.all(
      ids.slice(i, i + purgeBatch).map((id) =>
        purgeSession(services, userId, id, opts).catch((e) => {
          // Restored or purged meanwhile (another tab, another process): not ours to go.
          if (e instanceof TRPCError) return false;
          throw e;
        }),
      ),
    );
    purged += done.filter(Boolean).length;
  }
  return purged;
}

/** Empties the user's trash, as the index names it. */
export async function emptyTrash(services: Services, user: UserDoc): Promise<number> {
  const trashed = [...(await indexOf(services, user)).values()]
    .filter((e) => e.deleted)
    .map((e) => e.id);
  const purged = await purgeMany(services, user._id, trashed);
  if (purged) log.info('trash emptied', { user: idString(user._id), purged });
  return purged;
}
