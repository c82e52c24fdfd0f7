// Users: creation under a unique lower-cased name, lookups, and the API mapper.
import type { User } from '@parley/shared';
import { TRPCError } from '@trpc/server';
import { ObjectId } from 'mongodb';
import type { Database } from '../db/database';
import type { UserDoc } from '../db/documents';
import { idString, isDuplicateKey } from '../db/ids';
import { log } from '../log';
import type { Services } from '../services';
import { userChangedChannel } from './callers';
import type { PasswordHasher } from './passwords';

export function toApiUser(doc: UserDoc): User {
  return { id: idString(doc._id), username: doc.username, createdAt: doc.created_at };
}

export function findUserByName(db: Database, username: string): Promise<UserDoc | null> {
  return db.users.findOne({ username_lower: username.toLowerCase() });
}

export function findUserById(db: Database, id: ObjectId): Promise<UserDoc | null> {
  return db.users.findOne({ _id: id });
}

const taken = () => new TRPCError({ code: 'CONFLICT', message: 'That username is taken.' });

export async function createUser(
  db: Database,
  passwords: PasswordHasher,
  username: string,
  password: string,
): Promise<UserDoc> {
  // Answer a taken name before paying for a hash; the unique index decides races.
  if (await findUserByName(db, username)) throw taken();
  const now = new Date();
  const doc: UserDoc = {
    _id: new ObjectId(),
    username,
    username_lower: username.toLowerCase(),
    hashed_password: await passwords.hash(password),
    token_version: 0,
    created_at: now,
    updated_at: now,
  };
  try {
    await db.users.insertOne(doc);
  } catch (e) {
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

async function bump(
  services: Services,
  userId: ObjectId,
  inc: { token_version: 1; refresh_version?: 1 },
): Promise<void> {
  await services.db.users.updateOne(
    { _id: userId },
    { $inc: inc, $set: { updated_at: new Date() } },
  );
  const id = idString(userId);
  services.callers.drop(id);
  try {
    await services.bus.publish(userChangedChannel, { userId: id });
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
      if (!(e instanceof TRPCError && e.code === 'CONFLICT')) throw e;
    }
  }
  log.info(
    `demo users created: ${demoUsers.map((u) => `${u.username} / ${u.password}`).join(', ')}`,
  );
}
