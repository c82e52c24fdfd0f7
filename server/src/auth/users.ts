// Users: creation under a unique lower-cased name, lookups, and the API mapper.
import type { User } from '@parley/shared';
import { ObjectId } from 'mongodb';
import type { Database } from '../db/database';
import type { UserDoc } from '../db/documents';
import { idString, isDuplicateKey } from '../db/ids';
import { Refusal } from '../lib/refusal';
import { log } from '../log';
import type { Services } from '../services';
import { userChangedChannel } from './callers';
import { isCommonPassword, type PasswordHasher, tooCommonPassword } from './passwords';
import { revokeRefresh } from './refresh';
import { recordUserName, userByName } from './userNames';

export function toApiUser(doc: UserDoc): User {
  return { id: idString(doc._id), username: doc.username, createdAt: doc.created_at };
}

/**
 * Usernames are ASCII ([A-Za-z0-9_.-]) and match without regard to ASCII case
 * only. Any other name finds no one: toLowerCase() would fold the Kelvin sign
 * "\u212A" to "k" and let "\u212Auser1" sign in as "kuser1".
 */
export async function findUserByName(
  db: Database,
  username: string,
  opts?: { scan: boolean },
): Promise<UserDoc | null> {
  if (!/^[A-Za-z0-9_.-]+$/.test(username)) return null;
  return userByName(db, username.toLowerCase(), opts);
}

export function findUserById(db: Database, id: ObjectId): Promise<UserDoc | null> {
  return db.users.findOne({ _id: id });
}

const taken = () => new Refusal({ code: 'CONFLICT', message: 'That username is taken.' });

export async function createUser(
  db: Database,
  passwords: PasswordHasher,
  username: string,
  password: string,
): Promise<UserDoc> {
  if (isCommonPassword(password)) throw tooCommonPassword();
  // Answer a taken name before paying for a hash; the unique index decides races.
  if (await findUserByName(db, username, { scan: false })) throw taken();
  const now = new Date();
  const doc: UserDoc = {
    _id: new ObjectId(),
    username,
    username_lower: username.toLowerCase(),
    hashed_password: await passwords.hash(password),
    token_version: 0,
    session_index: 1,
    created_at: now,
    updated_at: now,
  };
  // The name entry's _id decides a race for a name; the unique index on users backs it.
  if (!(await recordUserName(db, doc.username_lower, doc._id))) throw taken();
  try {
    await db.users.insertOne(doc);
  } catch (e) {
    await db.userNames.deleteOne({ _id: doc.username_lower });
    if (isDuplicateKey(e)) throw taken();
    throw e;
  }
  return doc;
}

/** Revokes every access token of the user at once; refresh credentials keep working. */
export function bumpTokenVersion(services: Services, userId: ObjectId): Promise<void> {
  return bump(services, userId, { token_version: 1 });
}

/**
 * Ends every sign-in of the user: access tokens and refresh credentials (each records
 * the refresh_version it was minted under), and, through the caller cache's drop, the
 * user's live streams in every process.
 */
export function signOutEverywhere(services: Services, userId: ObjectId): Promise<void> {
  return bump(services, userId, { token_version: 1, refresh_version: 1 });
}

/**
 * Logout of one device: its refresh family is revoked, and the access tokens
 * issued with that family stop working here at once and elsewhere as the
 * change arrives (auth/signedOut.ts).
 */
export async function signOutDevice(services: Services, refreshToken: string): Promise<void> {
  const { db, config } = services;
  const revoked = await revokeRefresh(db, refreshToken, config.refreshTokenTtlDays);
  if (!revoked) return;
  services.signedOut.signedOut(revoked.family);
  await announce(services, revoked.userId, revoked.family);
}

async function bump(
  services: Services,
  userId: ObjectId,
  inc: { token_version: 1; refresh_version?: 1 },
): Promise<void> {
  await services.db.users.updateOne(
    { _id: userId },
    { $inc: inc, $set: { updated_at: new Date() } },
  );
  await announce(services, userId);
}

/** Tells this process's caches and live streams, then the other processes', that the user changed. */
async function announce(services: Services, userId: ObjectId, family?: string): Promise<void> {
  const id = idString(userId);
  services.callers.drop(id);
  try {
    await services.bus.publish(
      userChangedChannel,
      family ? { userId: id, family } : { userId: id },
    );
  } catch (e) {
    // Other processes then notice within the cache's lifetime.
    log.warn('user change not published', { userId: id, error: (e as Error).message });
  }
}

export const demoUsers = [
  { username: 'alice', password: 'alicepass123' },
  { username: 'testuser', password: 'testpass123' },
] as const;

/** Development only: the old service's demo accounts, on an empty database. */
export async function seedDemoUsers(db: Database, passwords: PasswordHasher): Promise<void> {
  if ((await db.users.estimatedDocumentCount()) > 0) return;
  for (const u of demoUsers) {
    try {
      await createUser(db, passwords, u.username, u.password);
    } catch (e) {
      if (!(e instanceof Refusal && e.code === 'CONFLICT')) throw e;
    }
  }
  log.info(
    `demo users created: ${demoUsers.map((u) => `${u.username} / ${u.password}`).join(', ')}`,
  );
}
