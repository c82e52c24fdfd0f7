// Chat sessions: ownership checks by _id, create, list, rename, delete, restore.
// Writes to one session run one at a time in this process (see KeyedLock), and
// each also writes the owner's session index (sessionIndex.ts), which lists read.
import type { Session, SessionView } from '@parley/shared';
import { ObjectId } from 'mongodb';
import type { SessionDoc, UserDoc } from '../db/documents';
import { asObjectId, idString, newId, toObjectId } from '../db/ids';
import { Refusal } from '../lib/refusal';
import { publishSessionChange } from '../realtime/channels';
import type { Services } from '../services';
import { withinDeadline } from './batching';
import { decodeCursor, encodeCursor, type SessionCursor, sessionCursorRules } from './cursor';
import { announceFolders, assertFolder } from './folders';
import { checkListed } from './listChecks';
import { toApiSession } from './mappers';
import { entryOf, type IndexEntry, indexOf, sessionOf, withIndexEntry } from './sessionIndex';
import { trashed, untrashed } from './softDelete';

export const sessionLockKey = (id: string) => `session:${id}`;

export const sessionNotFound = () =>
  new Refusal({ code: 'NOT_FOUND', message: 'Session not found.' });

/** The session by _id if the user owns it; someone else's is exactly as missing as none. */
export async function loadOwnedSession(
  services: Services,
  userId: ObjectId,
  id: string,
): Promise<SessionDoc> {
  // The writes' deadline: a read the database never answers (a socket its death left
  // half-closed) would otherwise hold the session's lock, and everything behind it.
  const doc = await withinDeadline(
    services.db.sessions.findOne({ _id: toObjectId(id) }),
    services.config.writeDeadlineMs,
    'a session read',
  );
  // The old service may have stored user_id as the owner's hex string.
  if (!doc || !asObjectId(doc.user_id)?.equals(userId)) throw sessionNotFound();
  // Being deleted for good: gone for its owner already.
  if (doc.purging) throw sessionNotFound();
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
  new Refusal({
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

/** Pinned first where the view puts them first, then newest activity, then id, newest first. */
function orderOf(pinsFirst: boolean) {
  return (a: IndexEntry, b: IndexEntry): number =>
    (pinsFirst ? Number(b.pinned) - Number(a.pinned) : 0) ||
    b.activity - a.activity ||
    (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

const viewNumbers: Record<SessionView, number> = { active: 0, archived: 1, trash: 2 };

function inView(view: SessionView, e: IndexEntry): boolean {
  if (view === 'trash') return e.deleted;
  return !e.deleted && e.archived === (view === 'archived');
}

export interface ListOptions {
  limit: number;
  cursor?: string | null | undefined;
  view: SessionView;
  /** undefined: any folder; null: none; else that folder. */
  folderId?: string | null | undefined;
}

/**
 * A page of the user's sessions, answered from the user's index alone (one _id
 * lookup); the sessions shown are checked against chat_sessions afterwards
 * (sessionIndex.ts), which rebuilds the index if they disagree.
 */
export async function listSessions(
  services: Services,
  user: UserDoc,
  opts: ListOptions,
): Promise<{ items: Session[]; nextCursor: string | null }> {
  const u = idString(user._id);
  const v = viewNumbers[opts.view];
  const f = opts.folderId === undefined ? '*' : opts.folderId === null ? '-' : opts.folderId;
  const pinsFirst = opts.view === 'active';
  const after = opts.cursor
    ? decodeCursor<SessionCursor>(opts.cursor, sessionCursorRules, { u, v, f })
    : null;
  const order = orderOf(pinsFirst);
  // The cursor's place as an entry, so "after it" is the list's own order.
  const mark = after
    ? ({ id: after.i, activity: after.a, pinned: pinsFirst && after.p } as IndexEntry)
    : null;
  const index = await indexOf(services, user);
  const view = [...index.values()]
    .filter((e) => inView(opts.view, e))
    .filter((e) => f === '*' || e.folderId === (f === '-' ? null : f))
    .filter((e) => !mark || order(mark, e) < 0)
    .sort(order)
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
      ? encodeCursor<SessionCursor>({
          u,
          v,
          f,
          p: pinsFirst && last.pinned,
          a: last.activity,
          i: last.id,
        })
      : null;
  return { items: page.map((e) => sessionOf(e, user._id)), nextCursor };
}

/** The folder whose sessionCount the session counts toward, if any. */
const countedIn = (doc: SessionDoc) =>
  doc.folder_id instanceof ObjectId && doc.deleted !== true && doc.archived !== true
    ? doc.folder_id.toHexString()
    : null;

/** Loads, checks and updates one session under its lock, then tells the user's other views. */
export async function changeSession(
  services: Services,
  user: UserDoc,
  id: string,
  kind: 'renamed' | 'deleted' | 'restored' | 'updated',
  change: (doc: SessionDoc, now: Date) => Partial<SessionDoc> | null,
  /** Runs under the user's lock before anything is written (throw to refuse). */
  before?: () => Promise<void>,
): Promise<Session> {
  const doc = await services.locks.run(sessionLockKey(id), async () => {
    const current = await loadOwnedSession(services, user._id, id);
    const set = change(current, new Date());
    if (!set) return { doc: current, changed: false, counted: false };
    // Ownership was checked on the document read under the lock: the filter is the _id alone.
    const updated = await withIndexEntry(
      services,
      user,
      entryOf({ ...current, ...set }),
      () =>
        services.db.sessions.findOneAndUpdate(
          { _id: current._id },
          { $set: set },
          { returnDocument: 'after' },
        ),
      before ? { before } : {},
    );
    if (!updated) throw sessionNotFound();
    return { doc: updated, changed: true, counted: countedIn(current) !== countedIn(updated) };
  });
  const session = toApiSession(doc.doc);
  // Nothing changed: the session as it is, and no event.
  if (doc.changed) await publishSessionChange(services, { kind, session });
  // A folder's count may have moved: the user's folder views get the new counts.
  if (doc.changed && doc.counted) await announceFolders(services, user);
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
  return changeSession(services, user, id, 'deleted', (doc, now) => trashed(doc, now));
}

export function restoreSession(services: Services, user: UserDoc, id: string) {
  return changeSession(services, user, id, 'restored', (doc, now) => untrashed(doc, now));
}

export interface SessionUpdate {
  pinned?: boolean | undefined;
  archived?: boolean | undefined;
  /** A folder of the user's; null: out of any folder. */
  folderId?: string | null | undefined;
}

/**
 * Pins, archives or moves a session. Moving checks the folder under the user's
 * lock, where folder.delete takes it away, so no session lands in a deleted folder.
 */
export function updateSession(services: Services, user: UserDoc, id: string, up: SessionUpdate) {
  const into = up.folderId ?? null;
  return changeSession(
    services,
    user,
    id,
    'updated',
    (doc, now) => {
      const set: Partial<SessionDoc> = {};
      if (up.pinned !== undefined && up.pinned !== (doc.pinned === true)) set.pinned = up.pinned;
      if (up.archived !== undefined && up.archived !== (doc.archived === true))
        set.archived = up.archived;
      const was = doc.folder_id instanceof ObjectId ? doc.folder_id.toHexString() : null;
      if (up.folderId !== undefined && into !== was)
        set.folder_id = into === null ? null : ObjectId.createFromHexString(into);
      return Object.keys(set).length ? { ...set, updated_at: now } : null;
    },
    up.folderId ? () => assertFolder(services, user._id, into ?? '') : undefined,
  );
}

/** Takes a session out of a deleted folder, unless it has moved elsewhere meanwhile. */
export function leaveFolder(services: Services, user: UserDoc, id: string, folderId: string) {
  return changeSession(services, user, id, 'updated', (doc, now) =>
    doc.folder_id instanceof ObjectId && doc.folder_id.toHexString() === folderId
      ? { folder_id: null, updated_at: now }
      : null,
  );
}
