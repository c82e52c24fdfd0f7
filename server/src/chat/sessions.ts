// Chat sessions: ownership checks by _id, create, list, rename, delete, restore.
// Writes to one session run one at a time in this process (see KeyedLock).
import type { Session, SessionChange } from '@parley/shared';
import { TRPCError } from '@trpc/server';
import type { Filter, ObjectId } from 'mongodb';
import type { SessionDoc, UserDoc } from '../db/documents';
import { asObjectId, idString, newId, storedRefs, toObjectId } from '../db/ids';
import { publishSessionChange } from '../realtime/channels';
import type { Services } from '../services';
import { decodeCursor, encodeCursor, type SessionCursor, sessionCursorRules } from './cursor';
import { isServable, toApiSession } from './mappers';

export const sessionLockKey = (id: string) => `session:${id}`;

const notFound = () => new TRPCError({ code: 'NOT_FOUND', message: 'Session not found.' });

/** The session by _id if the user owns it; someone else's is exactly as missing as none. */
export async function loadOwnedSession(
  services: Services,
  userId: ObjectId,
  id: string,
): Promise<SessionDoc> {
  const doc = await services.db.sessions.findOne({ _id: toObjectId(id) });
  // The old service may have stored user_id as the owner's hex string.
  if (!doc || !asObjectId(doc.user_id)?.equals(userId)) throw notFound();
  return doc;
}

/** A new, empty session as stored: its read model is built (there is nothing to read). */
export function newSessionDoc(userId: ObjectId, title: string, now = new Date()): SessionDoc {
  return {
    _id: newId(now.getTime()),
    user_id: userId,
    title,
    message_count: 0,
    last_message_at: null,
    created_at: now,
    updated_at: now,
    deleted: false,
    deleted_at: null,
    activity_at: now,
    read_model: 1,
  };
}

/** Refused at the cap: the quota is the user's, not a missing permission, so FORBIDDEN. */
const atSessionLimit = (limit: number) =>
  new TRPCError({
    code: 'FORBIDDEN',
    message: `You have reached the limit of ${limit} chats.`,
  });

/**
 * Stores a new session, at most config.sessionsPerUser per user. The count is kept on
 * the user's document (a count() would read the whole collection), changed under the
 * user's lock; a user the old service wrote has none and counts from 0.
 */
export async function createSession(
  services: Services,
  user: UserDoc,
  title: string,
): Promise<Session> {
  const { db, locks, config } = services;
  const doc = newSessionDoc(user._id, title);
  await locks.run(`sessions-of:${idString(user._id)}`, async () => {
    const owner = await db.users.findOne({ _id: user._id }, { projection: { session_count: 1 } });
    if ((owner?.session_count ?? 0) >= config.sessionsPerUser) {
      throw atSessionLimit(config.sessionsPerUser);
    }
    // Counted before the insert and given back if it fails: a crash between over-counts.
    await db.users.updateOne({ _id: user._id }, { $inc: { session_count: 1 } });
    try {
      await db.sessions.insertOne(doc);
    } catch (e) {
      await db.users
        .updateOne({ _id: user._id }, { $inc: { session_count: -1 } })
        .catch(() => undefined);
      throw e;
    }
  });
  const session = toApiSession(doc);
  await publishSessionChange(services, { kind: 'created', session });
  return session;
}

export async function listSessions(
  services: Services,
  user: UserDoc,
  opts: { limit: number; cursor?: string | null; deleted: boolean },
): Promise<{ items: Session[]; nextCursor: string | null }> {
  const u = idString(user._id);
  const filter: Filter<SessionDoc> = {
    user_id: { $in: storedRefs(user._id) as ObjectId[] },
    deleted: opts.deleted,
  };
  if (opts.cursor) {
    const c = decodeCursor<SessionCursor>(opts.cursor, sessionCursorRules, { u, d: opts.deleted });
    const at = new Date(c.a);
    filter.$or = [{ activity_at: { $lt: at } }, { activity_at: at, _id: { $lt: toObjectId(c.i) } }];
  }
  const docs = await services.db.sessions
    .find(filter)
    .sort({ activity_at: -1, _id: -1 })
    .limit(opts.limit + 1)
    .toArray()
    .then((found) => found.filter(isServable));
  const page = docs.slice(0, opts.limit);
  const last = page.at(-1);
  const nextCursor =
    docs.length > opts.limit && last
      ? encodeCursor<SessionCursor>({
          u,
          d: opts.deleted,
          a: activityOf(last).getTime(),
          i: idString(last._id),
        })
      : null;
  return { items: page.map(toApiSession), nextCursor };
}

export function activityOf(doc: SessionDoc): Date {
  return doc.activity_at ?? doc.last_message_at ?? doc.created_at;
}

/** Loads, checks and updates one session under its lock, then tells the user's other views. */
async function changeSession(
  services: Services,
  user: UserDoc,
  id: string,
  kind: Exclude<SessionChange['kind'], 'created' | 'message'>,
  change: (doc: SessionDoc, now: Date) => Partial<SessionDoc> | null,
): Promise<Session> {
  const doc = await services.locks.run(sessionLockKey(id), async () => {
    const current = await loadOwnedSession(services, user._id, id);
    const set = change(current, new Date());
    if (!set) return current;
    const updated = await services.db.sessions.findOneAndUpdate(
      { _id: current._id, user_id: user._id },
      { $set: set },
      { returnDocument: 'after' },
    );
    if (!updated) throw notFound();
    return updated;
  });
  const session = toApiSession(doc);
  await publishSessionChange(services, { kind, session });
  return session;
}

export function renameSession(services: Services, user: UserDoc, id: string, title: string) {
  return changeSession(services, user, id, 'renamed', (_doc, now) => ({ title, updated_at: now }));
}

export function deleteSession(services: Services, user: UserDoc, id: string) {
  return changeSession(services, user, id, 'deleted', (doc, now) =>
    doc.deleted ? null : { deleted: true, deleted_at: now, updated_at: now },
  );
}

export function restoreSession(services: Services, user: UserDoc, id: string) {
  return changeSession(services, user, id, 'restored', (doc, now) =>
    doc.deleted ? { deleted: false, deleted_at: null, updated_at: now } : null,
  );
}
