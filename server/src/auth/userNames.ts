// Usernames by `_id`: `user_names` maps each lower-cased name to its account, so
// sign-in, sign-up's "taken" check and registration's uniqueness are `_id`
// lookups and inserts (FerretDB reads the whole collection for any other filter).
// Accounts that have no entry (written by the old service, or by Parley before
// it kept one) are found once by a scan of `users`, then given one; start-up
// gives every account one, so a scan after that is only for a name nobody has
// or an account the old service created while Parley runs. Those scans are
// rationed per process, so a flood of unknown names cannot turn into a flood of
// scans.
import type { ObjectId } from 'mongodb';
import type { Database } from '../db/database';
import type { UserDoc } from '../db/documents';
import { isDuplicateKey } from '../db/ids';

/** At most one scan for an unknown name per this long, per process. */
const scanEveryMs = 2_000;
const lastScan = new WeakMap<Database, number>();

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export async function recordUserName(db: Database, lower: string, userId: ObjectId) {
  try {
    await db.userNames.insertOne({ _id: lower, user_id: userId });
    return true;
  } catch (e) {
    if (isDuplicateKey(e)) return false;
    throw e;
  }
}

/** The account named `lower` through its entry, or undefined when it has none. */
async function byEntry(db: Database, lower: string): Promise<UserDoc | null | undefined> {
  const entry = await db.userNames.findOne({ _id: lower });
  if (!entry) return undefined;
  const user = await db.users.findOne({ _id: entry.user_id });
  if (user && user.username_lower === lower) return user;
  // An entry whose account is gone (a sign-up stopped half-way): the name is free again.
  await db.userNames.deleteOne({ _id: lower });
  return undefined;
}

/**
 * The account named `lower` (already lower-cased and checked as a username).
 * `scan: false` answers from the entries alone (sign-up's pre-check).
 */
export async function userByName(
  db: Database,
  lower: string,
  opts: { scan: boolean } = { scan: true },
): Promise<UserDoc | null> {
  const found = await byEntry(db, lower);
  if (found !== undefined || !opts.scan) return found ?? null;
  const now = Date.now();
  if (now - (lastScan.get(db) ?? 0) < scanEveryMs) return null;
  lastScan.set(db, now);
  const doc = await db.users.findOne({
    $or: [
      { username_lower: lower },
      // The old service's field, for an account it created while Parley runs.
      {
        username: { $regex: `^${escapeRegExp(lower)}$`, $options: 'i' },
        username_lower: { $exists: false },
      },
    ],
  });
  if (!doc || typeof doc.username !== 'string') return null;
  return adopt(db, doc);
}

/** Gives an account found by a scan what Parley reads: username_lower and a name entry. */
async function adopt(db: Database, doc: UserDoc): Promise<UserDoc | null> {
  const fields = {
    username_lower: doc.username.toLowerCase(),
    token_version: doc.token_version ?? 0,
    updated_at: doc.updated_at ?? doc.created_at ?? new Date(),
  };
  if (doc.username_lower !== fields.username_lower) {
    try {
      await db.users.updateOne({ _id: doc._id }, { $set: fields });
    } catch (e) {
      if (isDuplicateKey(e)) return null; // another account already holds this name
      throw e;
    }
  }
  await recordUserName(db, fields.username_lower, doc._id);
  return { ...doc, ...fields };
}
