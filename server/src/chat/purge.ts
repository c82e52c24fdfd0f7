// Deleting trashed sessions for good answers at once: under each session's lock it
// is noted as a pending purge (pendingPurges.ts), then marked `purging`, which makes
// it NOT_FOUND everywhere; its entry leaves the owner's index (a tombstone stays for
// resumed live streams) and the removal is published. Its contents are then deleted
// in the background (purgeWorker.ts), which also finishes any purge a crash cut short.

import type { ObjectId } from 'mongodb';
import type { SessionDoc, UserDoc } from '../db/documents';
import { asObjectId, idString, toObjectId } from '../db/ids';
import { Refusal } from '../lib/refusal';
import { RetryAfter } from '../lib/retryAfter';
import { log } from '../log';
import { publishSessionChange } from '../realtime/channels';
import type { Services } from '../services';
import { addPending, claimLease, claimLeases, releaseLease, removePending } from './pendingPurges';
import { purgeStart } from './purgeContents';
import { entryOf, type IndexEntry, indexOf, sessionOf } from './sessionIndex';
import { loadOwnedSession, sessionLockKey } from './sessions';
import { dropIndexEntries } from './tombstones';

/** The pending list is a list like any other: it has a cap, and a full one asks for a moment. */
const catchingUp = () =>
  new Refusal({
    code: 'TOO_MANY_REQUESTS',
    message: 'Deleting for good is catching up; try again in a moment.',
    cause: new RetryAfter(10),
  });

const notInTrash = () =>
  new Refusal({
    code: 'PRECONDITION_FAILED',
    message: 'Only a chat in the trash can be deleted for good.',
  });

/**
 * The sessions still to mark, read again once this process holds their leases
 * (their locks held too): another process, with its own locks, may have purged
 * one to the end, restored it, or restored and trashed it again, between the
 * first read and the lease. Only one still in the same trashing (the same
 * deleted_at) is marked. One marked already (its first purger stalled past its
 * lease) is handed to the purge worker, which finishes it under the lease now
 * held. For the others the pending entry and the lease are let go here.
 */
async function stillDue(services: Services, docs: SessionDoc[]): Promise<SessionDoc[]> {
  const { db, purges } = services;
  const now = await Promise.all(docs.map((d) => db.sessions.findOne({ _id: d._id })));
  const due: SessionDoc[] = [];
  for (const [i, doc] of now.entries()) {
    const was = docs[i] as SessionDoc;
    const id = idString(was._id);
    if (doc?.purging) purges.start(id);
    else if (doc?.deleted && sameTime(doc.deleted_at, was.deleted_at)) due.push(doc);
    else {
      await removePending(services, id);
      await releaseLease(db, id, purges.owner);
    }
  }
  return due;
}

const sameTime = (a: Date | null | undefined, b: Date | null | undefined) =>
  (a instanceof Date ? a.getTime() : null) === (b instanceof Date ? b.getTime() : null);

/**
 * Marks one trashed session of `userId` for purging, under the session's lock (sends
 * and restores take it too); answers its last index entry, or null when `olderThan`
 * (ms) skips one trashed more recently, or another process marks it. NOT_FOUND if
 * it is gone, not theirs or already purging; PRECONDITION_FAILED if it is not in the trash.
 */
function markPurging(
  services: Services,
  userId: ObjectId,
  id: string,
  opts: { olderThan?: number | undefined },
): Promise<IndexEntry | null> {
  return services.locks.run(sessionLockKey(id), async () => {
    const session = await loadOwnedSession(services, userId, id);
    if (!session.deleted) throw notInTrash();
    if (services.purges.backlog >= services.purges.maxBacklog) throw catchingUp();
    if (opts.olderThan !== undefined) {
      const at = session.deleted_at instanceof Date ? session.deleted_at.getTime() : 0;
      if (at >= opts.olderThan) return null;
    }
    await addPending(services, [{ sessionId: id, userId: idString(userId) }]);
    // Another process is purging it (each has its own locks): that one reports it. A lease
    // left by a process that died before marking it has run out, and is taken over.
    if (!(await claimLease(services.db, id, services.purges.owner))) return null;
    const [due] = await stillDue(services, [session]);
    if (!due) return null;
    const at = Math.max(Date.now(), (due.updated_at?.getTime() ?? 0) + 1);
    await services.db.sessions.updateOne(
      { _id: due._id },
      { $set: { purging: purgeStart(due, new Date(at)) } },
    );
    return { ...entryOf(due), updated: at };
  });
}

/** Takes marked sessions out of their owner's lists, tells the user's views, and starts deleting their contents. */
export async function announcePurged(
  services: Services,
  userId: ObjectId,
  gone: IndexEntry[],
): Promise<void> {
  if (gone.length === 0) return;
  await dropIndexEntries(services, userId, gone);
  for (const entry of gone) {
    await publishSessionChange(services, { kind: 'purged', session: sessionOf(entry, userId) });
    services.purges.start(entry.id);
  }
}

/** Purges one trashed session: gone for its owner when this answers, its contents soon after. */
export async function purgeSession(
  services: Services,
  userId: ObjectId,
  id: string,
  opts: { olderThan?: number } = {},
): Promise<boolean> {
  const entry = await markPurging(services, userId, id, opts);
  if (!entry) return false;
  await announcePurged(services, userId, [entry]);
  return true;
}

/** Sessions marked at once by purgeMany: one read each, a few writes for them all. */
const markBatch = 50;

/** Runs `task` holding every given session's lock, taken in id order (nothing else holds two). */
function withSessionLocks<T>(
  services: Services,
  ids: string[],
  task: () => Promise<T>,
): Promise<T> {
  const sorted = [...new Set(ids)].sort();
  const take = (i: number): Promise<T> =>
    i === sorted.length
      ? task()
      : services.locks.run(sessionLockKey(sorted[i] ?? ''), () => take(i + 1));
  return take(0);
}

const oldEnough = (doc: SessionDoc, olderThan: number | undefined) =>
  olderThan === undefined ||
  (doc.deleted_at instanceof Date ? doc.deleted_at.getTime() : 0) < olderThan;

/**
 * markPurging for up to markBatch sessions at once: each read by `_id` under its lock,
 * then one write of the pending list, one insert of the leases and one bulk write of
 * the marks. Sessions gone, not theirs, not in the trash, not old enough or being
 * purged already are left out.
 */
function markBatchPurging(
  services: Services,
  userId: ObjectId,
  ids: string[],
  opts: { olderThan?: number | undefined },
): Promise<IndexEntry[]> {
  const { db, purges } = services;
  return withSessionLocks(services, ids, async () => {
    const docs = await Promise.all(ids.map((id) => db.sessions.findOne({ _id: toObjectId(id) })));
    const due = docs.filter(
      (d): d is SessionDoc =>
        d !== null &&
        asObjectId(d.user_id)?.equals(userId) === true &&
        d.deleted === true &&
        !d.purging &&
        oldEnough(d, opts.olderThan),
    );
    if (due.length === 0) return [];
    if (purges.backlog >= purges.maxBacklog) throw catchingUp();
    const owner = idString(userId);
    await addPending(
      services,
      due.map((d) => ({ sessionId: idString(d._id), userId: owner })),
    );
    const leased = await claimLeases(
      db,
      due.map((d) => idString(d._id)),
      purges.owner,
    );
    const still = await stillDue(
      services,
      due.filter((d) => leased.has(idString(d._id))),
    );
    const now = Date.now();
    const marked = still.map((doc) => ({
      doc,
      at: Math.max(now, (doc.updated_at?.getTime() ?? 0) + 1),
    }));
    if (marked.length === 0) return [];
    await db.sessions.bulkWrite(
      marked.map(({ doc, at }) => ({
        updateOne: {
          filter: { _id: doc._id },
          update: { $set: { purging: purgeStart(doc, new Date(at)) } },
        },
      })),
      { ordered: false },
    );
    return marked.map(({ doc, at }) => ({ ...entryOf(doc), updated: at }));
  });
}

/** Purges the given trashed sessions, markBatch at a time; answers how many went. */
export async function purgeMany(
  services: Services,
  userId: ObjectId,
  ids: string[],
  opts: { olderThan?: number } = {},
): Promise<number> {
  const gone: IndexEntry[] = [];
  try {
    for (let i = 0; i < ids.length; i += markBatch) {
      gone.push(...(await markBatchPurging(services, userId, ids.slice(i, i + markBatch), opts)));
    }
  } finally {
    // The index loses every session marked, even when a later batch failed.
    await announcePurged(services, userId, gone);
  }
  return gone.length;
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
