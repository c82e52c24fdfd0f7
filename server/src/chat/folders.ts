// A user's folders: one document per user (`_id` = the user's id), a field per
// folder, so folder.list is one `_id` lookup plus the session index, which gives
// each folder's count (so a count is never a stored counter that could drift).
// Changes run under the user's lock, the same lock every session write takes
// for the index, so a move into a folder and that folder's deletion never cross.
import { type Folder, limits } from '@parley/shared';
import type { ObjectId } from 'mongodb';
import type { UserDoc } from '../db/documents';
import { idString, newId } from '../db/ids';
import { Refusal } from '../lib/refusal';
import { log } from '../log';
import { publishFolders } from '../realtime/channels';
import type { Services } from '../services';
import { indexOf, type SessionIndex, userLockKey } from './sessionIndex';
import { leaveFolder } from './sessions';

interface StoredFolder {
  id: string;
  name: string;
  created: number;
  updated: number;
}

export const folderNotFound = () =>
  new Refusal({ code: 'NOT_FOUND', message: 'Folder not found.' });

const nameTaken = () =>
  new Refusal({ code: 'CONFLICT', message: 'You already have a folder with that name.' });

function unpack(id: string, value: unknown): StoredFolder | null {
  if (typeof value !== 'string' || !/^[0-9a-f]{24}$/.test(id)) return null;
  try {
    const [name, created, updated] = JSON.parse(value) as [unknown, unknown, unknown];
    if (typeof name !== 'string' || !Number.isSafeInteger(created)) return null;
    if (!Number.isSafeInteger(updated)) return null;
    return { id, name, created: created as number, updated: updated as number };
  } catch {
    return null;
  }
}

const pack = (f: StoredFolder) => JSON.stringify([f.name, f.created, f.updated]);

/** The user's folders as stored, and when any last changed (ms, 0: never). */
export async function readFolders(
  services: Services,
  userId: ObjectId,
): Promise<{ folders: Map<string, StoredFolder>; updated: number }> {
  const doc = await services.db.folders.findOne({ _id: idString(userId) });
  const folders = new Map<string, StoredFolder>();
  for (const [id, value] of Object.entries(doc?.f ?? {})) {
    const f = unpack(id, value);
    if (f) folders.set(id, f);
  }
  return { folders, updated: typeof doc?.updated === 'number' ? doc.updated : 0 };
}

/** Each folder with its count: the sessions the sidebar shows in it (not archived, not in the trash). */
function withCounts(folders: Map<string, StoredFolder>, index: SessionIndex): Folder[] {
  const counts = new Map<string, number>();
  for (const e of index.values()) {
    if (e.folderId && !e.deleted && !e.archived)
      counts.set(e.folderId, (counts.get(e.folderId) ?? 0) + 1);
  }
  return [...folders.values()]
    .sort((a, b) => a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1))
    .map((f) => ({
      id: f.id,
      name: f.name,
      sessionCount: counts.get(f.id) ?? 0,
      createdAt: new Date(f.created),
      updatedAt: new Date(f.updated),
    }));
}

export async function listFolders(services: Services, user: UserDoc): Promise<Folder[]> {
  const [{ folders }, index] = await Promise.all([
    readFolders(services, user._id),
    indexOf(services, user),
  ]);
  repairOrphans(services, user, folders, index);
  return withCounts(folders, index);
}

/**
 * Sessions still naming a deleted folder (a process stopped between deleting it and
 * moving its sessions out) are moved out now, after the answer, once per folder.
 */
function repairOrphans(
  services: Services,
  user: UserDoc,
  folders: Map<string, StoredFolder>,
  index: SessionIndex,
) {
  const orphaned = new Set<string>();
  for (const e of index.values())
    if (e.folderId && !folders.has(e.folderId)) orphaned.add(e.folderId);
  for (const id of orphaned) {
    const key = `${idString(user._id)}:${id}`;
    const repairing = services.folderRepairs;
    if (repairing.has(key) || repairing.size >= 1_000) continue;
    repairing.add(key);
    moveOut(services, user, id)
      .catch((e) => log.warn('moving chats out of a deleted folder failed', { error: String(e) }))
      .finally(() => repairing.delete(key));
  }
}

/** Throws NOT_FOUND unless the folder is the user's. Call under the user's lock to rely on it. */
export async function assertFolder(services: Services, userId: ObjectId, id: string) {
  if (!(await readFolders(services, userId)).folders.has(id)) throw folderNotFound();
}

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Applies one change to the user's folders under the user's lock, then tells their other views. */
async function changeFolders(
  services: Services,
  user: UserDoc,
  change: (
    folders: Map<string, StoredFolder>,
    now: number,
  ) => { set?: StoredFolder; unset?: string },
): Promise<StoredFolder | null> {
  const result = await services.locks.run(userLockKey(user._id), async () => {
    const { folders, updated } = await readFolders(services, user._id);
    // Times only move forward, so a resumed stream's "since" stays exact.
    const now = Math.max(Date.now(), updated + 1);
    const { set, unset } = change(folders, now);
    await services.db.folders.updateOne(
      { _id: idString(user._id) },
      {
        ...(set
          ? { $set: { [`f.${set.id}`]: pack(set), updated: now } }
          : { $set: { updated: now } }),
        ...(unset ? { $unset: { [`f.${unset}`]: '' } } : {}),
      },
      { upsert: true },
    );
    return { set: set ?? null, now };
  });
  await announceFolders(services, user, result.now);
  return result.set;
}

/** Sends the user's folders as they now are to their live streams. */
export async function announceFolders(services: Services, user: UserDoc, at = Date.now()) {
  await publishFolders(services, idString(user._id), await listFolders(services, user), at);
}

function toFolder(f: StoredFolder, index: SessionIndex): Folder {
  return withCounts(new Map([[f.id, f]]), index)[0] as Folder;
}

export async function createFolder(services: Services, user: UserDoc, name: string) {
  const made = await changeFolders(services, user, (folders, now) => {
    if (folders.size >= limits.foldersPerUser) {
      throw new Refusal({
        code: 'FORBIDDEN',
        message: `You have reached the limit of ${limits.foldersPerUser} folders.`,
      });
    }
    for (const f of folders.values()) if (sameName(f.name, name)) throw nameTaken();
    return { set: { id: idString(newId(now)), name, created: now, updated: now } };
  });
  return toFolder(made as StoredFolder, new Map());
}

/** A folder an import brings: its name (already checked) and its original times, ms. */
export interface ImportedFolder {
  name: string;
  created: number;
  updated: number;
}

/**
 * Finds or makes the user's folder for each imported one, in order: an existing
 * folder of the same name (any case) is used, else one is made with the original
 * times, until the cap. Answers each one's id, or null past the cap; one write.
 */
export async function importFolders(
  services: Services,
  user: UserDoc,
  wanted: ImportedFolder[],
): Promise<{ ids: Array<string | null>; created: number }> {
  if (wanted.length === 0) return { ids: [], created: 0 };
  const result = await services.locks.run(userLockKey(user._id), async () => {
    const { folders, updated } = await readFolders(services, user._id);
    const byName = new Map([...folders.values()].map((f) => [f.name.toLowerCase(), f.id]));
    const now = Math.max(Date.now(), updated + 1);
    const set: Record<string, string> = {};
    let count = folders.size;
    const ids = wanted.map((w) => {
      const found = byName.get(w.name.toLowerCase());
      if (found) return found;
      if (count >= limits.foldersPerUser) return null;
      count++;
      const f = { id: idString(newId(w.created)), ...w };
      set[`f.${f.id}`] = pack(f);
      byName.set(w.name.toLowerCase(), f.id);
      return f.id;
    });
    const created = Object.keys(set).length;
    if (created > 0) {
      await services.db.folders.updateOne(
        { _id: idString(user._id) },
        { $set: { ...set, updated: now } },
        { upsert: true },
      );
    }
    return { ids, created, now };
  });
  if (result.created > 0) await announceFolders(services, user, result.now);
  return { ids: result.ids, created: result.created };
}

export async function renameFolder(services: Services, user: UserDoc, id: string, name: string) {
  const renamed = await changeFolders(services, user, (folders, now) => {
    const f = folders.get(id);
    if (!f) throw folderNotFound();
    for (const other of folders.values())
      if (other.id !== id && sameName(other.name, name)) throw nameTaken();
    return { set: { ...f, name, updated: now } };
  });
  return toFolder(renamed as StoredFolder, await indexOf(services, user));
}

/** Sessions moved out of a deleted folder at once. */
const moveBatch = 10;

/**
 * Deletes the folder, then moves its sessions out, each through the usual session
 * write. Once the folder is gone no move into it succeeds (moves check it under the
 * same lock), so the index read after names every session still in it. Answers
 * the sessions moved out, so an Undo can put them back.
 */
export async function deleteFolder(
  services: Services,
  user: UserDoc,
  id: string,
): Promise<string[]> {
  await changeFolders(services, user, (folders) => {
    if (!folders.has(id)) throw folderNotFound();
    return { unset: id };
  });
  return moveOut(services, user, id);
}

/** Moves every session still naming the folder out of it, a few at a time; answers those it moved. */
async function moveOut(services: Services, user: UserDoc, id: string): Promise<string[]> {
  const moved: string[] = [];
  const inside = [...(await indexOf(services, user)).values()]
    .filter((e) => e.folderId === id)
    .map((e) => e.id);
  for (let i = 0; i < inside.length; i += moveBatch) {
    await Promise.all(
      inside.slice(i, i + moveBatch).map((sid) =>
        leaveFolder(services, user, sid, id).then(
          () => moved.push(sid),
          (e) => {
            // Purged meanwhile: nothing left to move.
            if (!(e instanceof Refusal && e.code === 'NOT_FOUND')) throw e;
          },
        ),
      ),
    );
  }
  return moved;
}
