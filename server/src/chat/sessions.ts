// Chat sessions: ownership checks by _id, create, list, rename, delete, restore.
// Writes to one session run one at a time in this process (see KeyedLock), and
// each also writes the owner's session index (sessionIndex.ts), which lists read.
import type { Session, SessionChange } from '@parley/shared';
import { TRPCError } from '@trpc/server';
import type { ObjectId } from 'mongodb';
import type { SessionDoc, UserDoc } from '../db/documents';
import { asObjectId, idString, newId, toObjectId } from '../db/ids';
import { publishSessionChange } from '../realtime/channels';
import type { Services } from '../services';
import { decodeCursor, encodeCursor, type SessionCursor, sessionCursorRules } from './cursor';
import { toApiSession } from './mappers';
import {
  checkListed,
  entryOf,
  type IndexEntry,
  indexOf,
  sessionOf,
  withIndexEntry,
} from './sessionIndex';

export const sessionLockKey = (id: string) => `session:${id}`;

export const sessionNotFound = () =>
  new TRPCError({ code: 'NOT_FOUND', message: 'Session not found.' });

/** The session by _id if the user owns it; someone else's is exactly as missing as none. */
export async function loadOwnedSession(
  services: Services,
  userId: ObjectId,
  id: string,
): Promise<SessionDoc> {
  const doc = await services.db.sessions.findOne({ _id: toObjectId(id) });
  // The old service may have stored user_id as the owner's hex string.
  if (!doc || !asObjectId(doc.user_id)?.equals(userId)) throw sessionNotFound();
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
  const { db, config } = services;
  const doc = newSessionDoc(user._id, title);
  await withIndexEntry(services, user, entryOf(doc), () => db.sessions.insertOne(doc), {
    before: (index) => {
      if (index.size >= config.sessionsPerUser) throw atSessionLimit(config.sessionsPerUser);
    },
  });
  const session = toApiSession(doc);
  await publishSessionChange(services, { kind: 'created', session });
  return session;
}

/** Newest activity first; ties by id, newest first. */
function byActivity(a: IndexEntry, b: IndexEntry): number {
  return b.activity - a.activity || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/**
 * A page of the user's sessions, answered from the user's index alone (one _id
 * lookup); the sessions shown are checked against chat_sessions afterwards
 * (sessionIndex.ts), which rebuilds the index if they disagree.
 */
export async function listSessions(
  services: Services,
  user: UserDoc,
  opts: { limit: number; cursor?: string | null; deleted: boolean },
): Promise<{ items: Session[]; nextCursor: string | null }> {
  const u = idString(user._id);
  const after = opts.cursor
    ? decodeCursor<SessionCursor>(opts.cursor, sessionCursorRules, { u, d: opts.deleted })
    : null;
  const index = await indexOf(services, user);
  const view = [...index.values()]
    .filter((e) => e.deleted === opts.deleted)
    .filter((e) => !after || e.activity < after.a || (e.activity === after.a && e.id < after.i))
    .sort(byActivity)
    .slice(0, opts.limit + 1);
  const page = view.slice(0, opts.limit);
  checkListed(
    services,
    user._id,
    page.map((e) => e.id),
  );
  const last = page.at(-1);
  const nextCursor =
    view.length > opts.limit && last
      ? encodeCursor<SessionCursor>({ u, d: opts.deleted, a: last.activity, i: last.id })
      : null;
  return { items: page.map((e) => sessionOf(e, user._id)), nextCursor };
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
    // Ownership was checked on the document read under the lock: the filter is the _id alone.
    const updated = await withIndexEntry(services, user, entryOf({ ...current, ...set }), () =>
      services.db.sessions.findOneAndUpdate(
        { _id: current._id },
        { $set: set },
        { returnDocument: 'after' },
      ),
    );
    if (!updated) throw sessionNotFound();
    return updated;
  });
  const session = toApiSession(doc);
  await publishSessionChange(services, { kind, session });
  return session;
}

export function renameSession(services: Services, user: UserDoc, id: string, title: string) {
  // title_set: the user's own title, which a first message never replaces (chat/titles.ts).
  return changeSession(services, user, id, 'renamed', (_doc, now) => ({
    title,
    title_set: true,
    updated_at: now,
  }));
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
