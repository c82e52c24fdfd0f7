// A user's session index: one document per user, addressed by `_id` = the user's
// id, holding for every session of theirs what lists sort and filter by, as a
// field named by the session id. It turns the sidebar, the trash and the live
// stream's resume into one `_id` lookup plus one per session shown, on MongoDB and
// FerretDB alike (FerretDB reads the whole collection for any other filter). A
// change is one `$set` of that field, atomic on MongoDB, and under the user's lock
// in this process for FerretDB, whose updates are read-modify-write.
//
// `chat_sessions` stays the source of truth. The index is written first, in the
// same locked step as the session, so a crash between them leaves the index
// claiming a change the session lacks, never missing one; readers check each
// session they show against its entry and rebuild the index when they disagree.
import type { Session } from '@parley/shared';
import type { ObjectId } from 'mongodb';
import type { Database } from '../db/database';
import type { SessionDoc, UserDoc } from '../db/documents';
import { asObjectId, idString, storedRefs } from '../db/ids';
import { log } from '../log';
import type { Services } from '../services';
import { isServable, toApiSession } from './mappers';

/** One session as its owner's index holds it: enough to sort, filter and show it in a list. */
export interface IndexEntry {
  id: string;
  /** Newest activity (last message, else creation), ms: the list's sort key. */
  activity: number;
  /** updated_at in ms: what the live stream resumes by. */
  updated: number;
  deleted: boolean;
  title: string;
  count: number;
  /** last_message_at, created_at and deleted_at in ms. */
  lastMessage: number | null;
  created: number;
  deletedAt: number | null;
  pinned: boolean;
  archived: boolean;
  /** The folder's id, or null for none. */
  folderId: string | null;
}

export type SessionIndex = Map<string, IndexEntry>;

const deletedFlag = 1;
const pinnedFlag = 2;
const archivedFlag = 4;

export const userLockKey = (userId: ObjectId) => `user:${idString(userId)}`;

type Packed = [
  number,
  number,
  number,
  string,
  number,
  number | null,
  number,
  number | null,
  (string | null)?,
];

/** One JSON string per session: FerretDB decodes a string far faster than a subdocument. */
export function packEntry(e: IndexEntry): string {
  const row: Packed = [
    e.activity,
    e.updated,
    (e.deleted ? deletedFlag : 0) | (e.pinned ? pinnedFlag : 0) | (e.archived ? archivedFlag : 0),
    e.title,
    e.count,
    e.lastMessage,
    e.created,
    e.deletedAt,
  ];
  // Entries written before folders end at deletedAt: absent reads as none.
  if (e.folderId !== null) row.push(e.folderId);
  return JSON.stringify(row);
}

const isTime = (v: unknown): v is number => Number.isSafeInteger(v);

export function unpackEntry(id: string, value: unknown): IndexEntry | null {
  if (typeof value !== 'string' || !/^[0-9a-f]{24}$/.test(id)) return null;
  let row: unknown;
  try {
    row = JSON.parse(value);
  } catch {
    return null;
  }
  if (!Array.isArray(row)) return null;
  const [activity, updated, flags, title, count, lastMessage, created, deletedAt, folder] =
    row as Packed;
  if (!isTime(activity) || !isTime(updated) || !isTime(created) || typeof title !== 'string')
    return null;
  if (!Number.isSafeInteger(count) || count < 0) return null;
  if ((lastMessage !== null && !isTime(lastMessage)) || (deletedAt !== null && !isTime(deletedAt)))
    return null;
  if (!Number.isSafeInteger(flags ?? 0)) return null;
  if (folder !== undefined && folder !== null && !/^[0-9a-f]{24}$/.test(String(folder)))
    return null;
  return {
    id,
    activity,
    updated,
    deleted: ((flags ?? 0) & deletedFlag) !== 0,
    pinned: ((flags ?? 0) & pinnedFlag) !== 0,
    archived: ((flags ?? 0) & archivedFlag) !== 0,
    folderId: typeof folder === 'string' ? folder : null,
    title,
    count,
    lastMessage,
    created,
    deletedAt,
  };
}

export function activityOf(doc: SessionDoc): Date {
  const at = doc.activity_at ?? doc.last_message_at ?? doc.created_at;
  return at instanceof Date ? at : doc._id.getTimestamp();
}

/** The entry for a stored session: the same values toApiSession shows. */
export function entryOf(doc: SessionDoc): IndexEntry {
  const s = toApiSession(doc);
  return {
    id: s.id,
    activity: activityOf(doc).getTime(),
    updated: s.updatedAt.getTime(),
    deleted: s.deleted,
    title: s.title,
    count: s.messageCount,
    lastMessage: s.lastMessageAt?.getTime() ?? null,
    created: s.createdAt.getTime(),
    deletedAt: s.deletedAt?.getTime() ?? null,
    pinned: s.pinned,
    archived: s.archived,
    folderId: s.folderId,
  };
}

/** The API session an entry shows, for its owner. */
export function sessionOf(entry: IndexEntry, userId: ObjectId): Session {
  return {
    id: entry.id,
    userId: idString(userId),
    title: entry.title,
    messageCount: entry.count,
    lastMessageAt: entry.lastMessage === null ? null : new Date(entry.lastMessage),
    createdAt: new Date(entry.created),
    updatedAt: new Date(entry.updated),
    deleted: entry.deleted,
    deletedAt: entry.deletedAt === null ? null : new Date(entry.deletedAt),
    pinned: entry.pinned,
    archived: entry.archived,
    folderId: entry.folderId,
  };
}

/** True for a session its owner's lists show: servable, and not being purged. */
export const isListed = (doc: SessionDoc) => !doc.purging && isServable(doc);

/** The user's index as stored, or null when it is missing. */
export async function readIndex(db: Database, userId: ObjectId): Promise<SessionIndex | null> {
  const doc = await db.sessionIndex.findOne({ _id: idString(userId) });
  if (!doc) return null;
  const index: SessionIndex = new Map();
  for (const [id, value] of Object.entries(doc.e ?? {})) {
    const entry = unpackEntry(id, value);
    if (entry) index.set(id, entry);
  }
  return index;
}

/**
 * Rebuilds the user's index from chat_sessions: the one read that scans on the
 * embedded database, paid on first sight of a user the old service wrote, or
 * when the index and the sessions disagree. Run under the user's lock.
 */
export async function rebuildIndex(db: Database, userId: ObjectId): Promise<SessionIndex> {
  const started = Date.now();
  const docs = await db.sessions
    .find({ user_id: { $in: storedRefs(userId) as ObjectId[] } })
    .toArray();
  const index: SessionIndex = new Map();
  for (const doc of docs) {
    if (!isListed(doc)) continue;
    const entry = entryOf(doc);
    index.set(entry.id, entry);
  }
  // $set keeps the tombstones of purged sessions beside the entries.
  await db.sessionIndex.updateOne(
    { _id: idString(userId) },
    { $set: { e: packIndex(index.values()) } },
    { upsert: true },
  );
  log.info('session index rebuilt', {
    user: idString(userId),
    sessions: index.size,
    ms: Date.now() - started,
  });
  return index;
}

/**
 * Writes `entry` to its owner's index, then runs `write` (the session's own
 * change), both under the user's lock: one more write per change, no read.
 */
export function withIndexEntry<T>(
  services: Services,
  user: UserDoc,
  entry: IndexEntry,
  write: () => Promise<T>,
  /** Checks the index as it stands first (one more read), e.g. a cap: throw to refuse. */
  opts: { before?: (index: SessionIndex) => void | Promise<void> } = {},
): Promise<T> {
  return services.locks.run(userLockKey(user._id), async () => {
    if (opts.before) await opts.before(await indexUnlocked(services, user));
    const set = (upsert: boolean) =>
      services.db.sessionIndex.updateOne(
        { _id: idString(user._id) },
        { $set: { [`e.${entry.id}`]: packEntry(entry) } },
        { upsert },
      );
    // No index yet: a user kept one from the start has none to lose; any other (the old
    // service's, say) gets it built whole first, never a partial one.
    if ((await set(user.session_index === 1)).matchedCount === 0 && user.session_index !== 1) {
      await rebuildIndex(services.db, user._id);
      await set(true);
    }
    return write();
  });
}

/** The user's index; a missing one is empty for a user who kept one from the start, else rebuilt. */
export async function indexOf(services: Services, user: UserDoc): Promise<SessionIndex> {
  const stored = await readIndex(services.db, user._id);
  if (stored) return stored;
  if (user.session_index === 1) return new Map();
  return services.locks.run(userLockKey(user._id), () => indexUnlocked(services, user));
}

/** indexOf for a caller already holding the user's lock. */
async function indexUnlocked(services: Services, user: UserDoc): Promise<SessionIndex> {
  const stored = await readIndex(services.db, user._id);
  if (stored) return stored;
  return user.session_index === 1 ? new Map() : rebuildIndex(services.db, user._id);
}

/** The stored form of an index: a field per session. */
export function packIndex(index: Iterable<IndexEntry>): Record<string, string> {
  const e: Record<string, string> = {};
  for (const entry of index) e[entry.id] = packEntry(entry);
  return e;
}

/** Brings a session's entry in line with the session after a write outside the usual path (a read-model rebuild). */
export async function refreshIndexEntry(services: Services, doc: SessionDoc): Promise<void> {
  const owner = asObjectId(doc.user_id);
  if (!owner || !isListed(doc)) return;
  const entry = entryOf(doc);
  await services.locks.run(userLockKey(owner), () =>
    services.db.sessionIndex.updateOne(
      { _id: idString(owner) },
      { $set: { [`e.${entry.id}`]: packEntry(entry) } },
    ),
  );
}
