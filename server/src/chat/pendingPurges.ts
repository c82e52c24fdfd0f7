// The durable list of purges whose contents are still being deleted, and the lease
// that keeps two processes off the same one. Both are documents addressed by `_id`
// (the list is one document, 'pending'), so finding unfinished work after a crash
// or a restart is one lookup, never a scan. A lease is taken by inserting its
// document (atomic on both databases, so it also decides which of two processes
// marks a session) and taken over only once it has expired.
import type { Database } from '../db/database';
import { isDuplicateKey } from '../db/ids';
import type { Services } from '../services';

const pendingId = 'pending';
/** Serialises this process's writes to the pending list. */
export const pendingLockKey = 'purges:pending';
/** How long a lease holds without being renewed (renewed at every batch). */
export const leaseMs = 15_000;

const leaseId = (sessionId: string) => `lease:${sessionId}`;

/** Notes a session's purge as pending, before the session is marked: a crash between leaves work, never a lost purge. */
export async function addPending(
  services: Services,
  sessions: Array<{ sessionId: string; userId: string }>,
): Promise<void> {
  if (sessions.length === 0) return;
  const set = Object.fromEntries(sessions.map((s) => [`s.${s.sessionId}`, s.userId]));
  // FerretDB's updates are read-modify-write: one writer of this document per process.
  await services.locks.run(pendingLockKey, () =>
    services.db.purges.updateOne({ _id: pendingId }, { $set: set }, { upsert: true }),
  );
}

export async function removePending(services: Services, sessionId: string): Promise<void> {
  await services.locks.run(pendingLockKey, () =>
    services.db.purges.updateOne({ _id: pendingId }, { $unset: { [`s.${sessionId}`]: '' } }),
  );
}

/** Every pending purge: session id and owner id, as hex. */
export async function readPending(
  db: Database,
): Promise<Array<{ sessionId: string; userId: string }>> {
  const doc = await db.purges.findOne({ _id: pendingId });
  return Object.entries(doc?.s ?? {})
    .filter(
      ([sessionId, userId]) => /^[0-9a-f]{24}$/.test(sessionId) && /^[0-9a-f]{24}$/.test(userId),
    )
    .map(([sessionId, userId]) => ({ sessionId, userId }));
}

/** Takes the session's lease for `owner`; false while another process holds one that has not expired. */
export async function claimLease(db: Database, sessionId: string, owner: string): Promise<boolean> {
  const _id = leaseId(sessionId);
  const until = new Date(Date.now() + leaseMs);
  try {
    await db.purges.insertOne({ _id, owner, until });
    return true;
  } catch (e) {
    if (!isDuplicateKey(e)) throw e;
  }
  const held = await db.purges.findOne({ _id });
  if (held && held.owner !== owner && (held.until?.getTime() ?? 0) > Date.now()) return false;
  // Expired (its process died or stalled): two taking it over at once only repeat idempotent deletes.
  await db.purges.replaceOne({ _id }, { owner, until }, { upsert: true });
  return true;
}

/** claimLease for many sessions: one insert for them all, then one at a time only for those leased already. */
export async function claimLeases(
  db: Database,
  sessionIds: string[],
  owner: string,
): Promise<Set<string>> {
  const until = new Date(Date.now() + leaseMs);
  const taken = new Set(sessionIds);
  try {
    await db.purges.insertMany(
      sessionIds.map((id) => ({ _id: leaseId(id), owner, until })),
      { ordered: false },
    );
  } catch (e) {
    const errors = (e as { writeErrors?: unknown }).writeErrors;
    const failed = (Array.isArray(errors) ? errors : errors ? [errors] : []) as Array<{
      index: number;
      code?: number;
    }>;
    if (failed.length === 0 || failed.some((w) => w.code !== 11000)) throw e;
    for (const { index } of failed) {
      const id = sessionIds[index] ?? '';
      if (!(await claimLease(db, id, owner))) taken.delete(id);
    }
  }
  return taken;
}

/** Extends the lease; false when another process has taken it over meanwhile. */
export async function renewLease(db: Database, sessionId: string, owner: string): Promise<boolean> {
  const _id = leaseId(sessionId);
  const held = await db.purges.findOne({ _id });
  if (held && held.owner !== owner) return false;
  await db.purges.updateOne(
    { _id },
    { $set: { owner, until: new Date(Date.now() + leaseMs) } },
    { upsert: true },
  );
  return true;
}

export async function releaseLease(db: Database, sessionId: string, owner: string): Promise<void> {
  const _id = leaseId(sessionId);
  const held = await db.purges.findOne({ _id });
  if (held?.owner === owner) await db.purges.deleteOne({ _id });
}
