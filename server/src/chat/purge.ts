// Deleting trashed sessions for good answers at once: under each session's lock it
// is noted as a pending purge (pendingPurges.ts), then marked `purging`, which makes
// it NOT_FOUND everywhere; its entry leaves the owner's index (a tombstone stays for
// resumed live streams) and the removal is published. Its contents are then deleted
// in the background (purgeWorker.ts), which also finishes any purge a crash cut short.
import { TRPCError } from '@trpc/server';
import type { ObjectId } from 'mongodb';
import type { UserDoc } from '../db/documents';
import { idString } from '../db/ids';
import { RetryAfter } from '../lib/retryAfter';
import { log } from '../log';
import { publishSessionChange } from '../realtime/channels';
import type { Services } from '../services';
import { addPending, claimLease } from './pendingPurges';
import { purgeStart } from './purgeContents';
import { dropIndexEntries, entryOf, type IndexEntry, indexOf, sessionOf } from './sessionIndex';
import { loadOwnedSession, sessionLockKey } from './sessions';

/** The pending list is a list like any other: it has a cap, and a full one asks for a moment. */
const catchingUp = () =>
  new TRPCError({
    code: 'TOO_MANY_REQUESTS',
    message: 'Deleting for good is catching up; try again in a moment.',
    cause: new RetryAfter(10),
  });

const notInTrash = () =>
  new TRPCError({
    code: 'PRECONDITION_FAILED',
    message: 'Only a chat in the trash can be deleted for good.',
  });

/**
 * Marks one trashed session of `userId` for purging, under the session's lock (sends
 * and restores take it too); answers its last index entry, or null when `olderThan`
 * (ms) skips one trashed more recently, or another process marks it. NOT_FOUND if it is gone, not theirs or
 * already purging; PRECONDITION_FAILED if it is not in the trash.
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
    const at = Math.max(Date.now(), (session.updated_at?.getTime() ?? 0) + 1);
    await services.db.sessions.updateOne(
      { _id: session._id },
      { $set: { purging: purgeStart(session, new Date(at)) } },
    );
    return { ...entryOf(session), updated: at };
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

/** Sessions marked at once. */
const purgeBatch = 4;

/** Purges the given trashed sessions, a few at a time; answers how many went. */
export async function purgeMany(
  services: Services,
  userId: ObjectId,
  ids: string[],
  opts: { olderThan?: number } = {},
): Promise<number> {
  const gone: IndexEntry[] = [];
  try {
    for (let i = 0; i < ids.length; i += purgeBatch) {
      const marked = await Promise.all(
        ids.slice(i, i + purgeBatch).map((id) =>
          markPurging(services, userId, id, opts).catch((e) => {
            // Restored or purged meanwhile (another tab, another process): not ours to go.
            if (e instanceof TRPCError && e.code !== 'TOO_MANY_REQUESTS') return null;
            throw e;
          }),
        ),
      );
      for (const entry of marked) if (entry) gone.push(entry);
    }
  } finally {
    // The index loses every session marked, even when a later mark failed.
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
