// Refresh credentials: random values stored only as SHA-256 hashes (the hash is
// the _id, so every lookup is an _id lookup), rotated on each use, grouped in
// families so a reused one revokes the whole family. Revocation is a fact later
// rotations read, not an update of the credentials that exist when it runs: a
// revoked family has a document (by family id), and logoutEverywhere moves the
// user's refresh_version away from the one each credential was minted under.
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { ObjectId } from 'mongodb';
import type { Database } from '../db/database';
import type { RefreshTokenDoc, UserDoc } from '../db/documents';
import { isDuplicateKey } from '../db/ids';
import type { KeyedLock } from '../lib/keyedLock';
import { Refusal } from '../lib/refusal';

export const refreshCookieName = 'parley_refresh';

export interface IssuedRefresh {
  token: string;
  expiresAt: Date;
  /** Named in the access tokens issued with it, so signing out ends them too. */
  family: string;
}

export interface RotateOptions {
  ttlDays: number;
  reuseGraceMs: number;
  /** The server secret (config.jwtSecret): successors are derived from it. */
  secret: string;
}

const dayMs = 86_400_000;

function hashOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * The one successor of a spent credential. Derived (HMAC of the server secret and
 * the spent credential's hash) rather than random, so every caller inside the grace
 * window, in any process and across restarts, gets the same successor instead of a
 * fork of the chain, while the database still holds only hashes.
 */
function successorOf(secret: string, spentHash: string): string {
  return createHmac('sha256', secret)
    .update('parley refresh successor\0')
    .update(spentHash)
    .digest('base64url');
}

const invalid = () =>
  new Refusal({
    code: 'UNAUTHORIZED',
    message: 'Your sign-in has expired. Please sign in again.',
  });

async function insertCredential(
  db: Database,
  token: string,
  fields: { userId: ObjectId; family: string; refreshVersion: number; ttlDays: number },
): Promise<IssuedRefresh> {
  const now = new Date();
  const expiresAt = new Date(now.getTime() + fields.ttlDays * dayMs);
  try {
    await db.refreshTokens.insertOne({
      _id: hashOf(token),
      user_id: fields.userId,
      family: fields.family,
      refresh_version: fields.refreshVersion,
      created_at: now,
      expires_at: expiresAt,
      used_at: null,
      revoked_at: null,
    });
  } catch (e) {
    // A derived successor another caller stored first: the same credential.
    if (!isDuplicateKey(e)) throw e;
  }
  return { token, expiresAt, family: fields.family };
}

/** A new family for a sign-in, bound to the user's current refresh version. */
export function issueRefresh(
  db: Database,
  user: Pick<UserDoc, '_id' | 'refresh_version'>,
  ttlDays: number,
): Promise<IssuedRefresh> {
  return insertCredential(db, randomBytes(32).toString('base64url'), {
    userId: user._id,
    family: randomUUID(),
    refreshVersion: user.refresh_version ?? 0,
    ttlDays,
  });
}

/**
 * The credential's user if its family is not revoked and the user's refresh version is
 * still the one the credential was minted under (absent on either side: 0); else
 * UNAUTHORIZED. By _id only.
 */
async function holder(db: Database, doc: RefreshTokenDoc): Promise<UserDoc> {
  const [revoked, user] = await Promise.all([
    db.revokedFamilies.findOne({ _id: doc.family }),
    db.users.findOne({ _id: doc.user_id }),
  ]);
  if (revoked || !user) throw invalid();
  if ((doc.refresh_version ?? 0) !== (user.refresh_version ?? 0)) throw invalid();
  return user;
}

/** Spends a credential: its user (as checked) and the credential that succeeds it. */
export function rotateRefresh(
  db: Database,
  locks: KeyedLock,
  token: string,
  opts: RotateOptions,
): Promise<{ user: UserDoc; next: IssuedRefresh }> {
  const id = hashOf(token);
  return locks.run(`refresh:${id}`, async () => {
    const doc = await db.refreshTokens.findOne({ _id: id });
    const now = new Date();
    if (!doc || doc.revoked_at || doc.expires_at <= now) throw invalid();
    await holder(db, doc);
    if (doc.used_at) {
      // Spent before: inside the grace (two tabs at once) the same successor, else theft.
      if (now.getTime() - doc.used_at.getTime() > opts.reuseGraceMs) {
        await revokeFamily(db, doc, opts.ttlDays);
        throw invalid();
      }
    } else {
      await db.refreshTokens.updateOne({ _id: id }, { $set: { used_at: now } });
    }
    const next = await insertCredential(db, successorOf(opts.secret, id), {
      userId: doc.user_id,
      family: doc.family,
      refreshVersion: doc.refresh_version ?? 0,
      ttlDays: opts.ttlDays,
    });
    // Checked again once minted: a revocation that ran meanwhile refuses it now; one
    // that runs after this read is seen by the successor's first use.
    return { user: await holder(db, doc), next };
  });
}

/** Writes the family's revocation once; a second writer finds it there. */
async function revokeFamily(db: Database, doc: RefreshTokenDoc, ttlDays: number): Promise<void> {
  const now = new Date();
  try {
    await db.revokedFamilies.insertOne({
      _id: doc.family,
      user_id: doc.user_id,
      revoked_at: now,
      // Outlives any credential of the family, even one minted while this was written.
      expires_at: new Date(now.getTime() + (ttlDays + 1) * dayMs),
    });
  } catch (e) {
    if (!isDuplicateKey(e)) throw e;
  }
}

/**
 * Logout: the credential's whole family stops working. Unknown credentials are
 * ignored (null); else the family and its user.
 */
export async function revokeRefresh(
  db: Database,
  token: string,
  ttlDays: number,
): Promise<{ family: string; userId: ObjectId } | null> {
  const id = hashOf(token);
  const doc = await db.refreshTokens.findOne({ _id: id });
  if (!doc) return null;
  await revokeFamily(db, doc, ttlDays);
  await db.refreshTokens.updateOne({ _id: id }, { $set: { revoked_at: new Date() } });
  return { family: doc.family, userId: doc.user_id };
}

/** There is no TTL index on the embedded database: expired credentials and revocations are swept. */
export async function sweepRefresh(db: Database): Promise<number> {
  const now = new Date();
  const [credentials, families] = await Promise.all([
    db.refreshTokens.deleteMany({ expires_at: { $lt: now } }),
    db.revokedFamilies.deleteMany({ expires_at: { $lt: now } }),
  ]);
  return credentials.deletedCount + families.deletedCount;
}

export function refreshCookie(token: string, expiresAt: Date, secure: boolean): string {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
  return `${refreshCookieName}=${token}; Path=/trpc; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure ? '; Secure' : ''}`;
}

export function clearedRefreshCookie(secure: boolean): string {
  return `${refreshCookieName}=; Path=/trpc; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;
}
