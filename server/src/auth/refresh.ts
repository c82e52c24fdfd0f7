// Refresh credentials: random values stored only as SHA-256 hashes (the hash is
// the _id, so every lookup is an _id lookup), rotated on each use, grouped in
// families so a reused one revokes the whole family.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import type { ObjectId } from 'mongodb';
import type { KeyedLock } from '../chat/keyedLock';
import type { Database } from '../db/database';
import type { RefreshTokenDoc } from '../db/documents';

export const refreshCookieName = 'parley_refresh';

export interface IssuedRefresh {
  token: string;
  expiresAt: Date;
}

function hashOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

const invalid = () =>
  new TRPCError({
    code: 'UNAUTHORIZED',
    message: 'Your sign-in has expired. Please sign in again.',
  });

export async function issueRefresh(
  db: Database,
  userId: ObjectId,
  ttlDays: number,
  family: string = randomUUID(),
): Promise<IssuedRefresh> {
  const token = randomBytes(32).toString('base64url');
  const now = new Date();
  const expiresAt = new Date(now.getTime() + ttlDays * 86_400_000);
  await db.refreshTokens.insertOne({
    _id: hashOf(token),
    user_id: userId,
    family,
    created_at: now,
    expires_at: expiresAt,
    used_at: null,
    revoked_at: null,
  });
  return { token, expiresAt };
}

/** Spends a credential: the caller's user id and a fresh credential of the same family. */
export function rotateRefresh(
  db: Database,
  locks: KeyedLock,
  token: string,
  opts: { ttlDays: number; reuseGraceMs: number },
): Promise<{ userId: ObjectId; next: IssuedRefresh }> {
  const id = hashOf(token);
  return locks.run(`refresh:${id}`, async () => {
    const doc = await db.refreshTokens.findOne({ _id: id });
    const now = new Date();
    if (!doc || doc.revoked_at || doc.expires_at <= now) throw invalid();
    if (doc.used_at) {
      if (now.getTime() - doc.used_at.getTime() > opts.reuseGraceMs) {
        await revokeFamily(db, doc);
        throw invalid();
      }
    } else {
      await db.refreshTokens.updateOne({ _id: id }, { $set: { used_at: now } });
    }
    const next = await issueRefresh(db, doc.user_id, opts.ttlDays, doc.family);
    return { userId: doc.user_id, next };
  });
}

async function revokeFamily(db: Database, doc: RefreshTokenDoc): Promise<void> {
  await db.refreshTokens.updateMany(
    { family: doc.family, revoked_at: null },
    { $set: { revoked_at: new Date() } },
  );
}

/** Logout: the credential's whole family stops working. Unknown credentials are ignored. */
export async function revokeRefresh(db: Database, token: string): Promise<void> {
  const doc = await db.refreshTokens.findOne({ _id: hashOf(token) });
  if (doc) await revokeFamily(db, doc);
}

/** There is no TTL index on the embedded database: expired credentials are swept. */
export async function sweepRefresh(db: Database): Promise<number> {
  const r = await db.refreshTokens.deleteMany({ expires_at: { $lt: new Date() } });
  return r.deletedCount;
}

export function refreshCookie(token: string, expiresAt: Date, secure: boolean): string {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
  return `${refreshCookieName}=${token}; Path=/trpc; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure ? '; Secure' : ''}`;
}

export function clearedRefreshCookie(secure: boolean): string {
  return `${refreshCookieName}=; Path=/trpc; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;
}
