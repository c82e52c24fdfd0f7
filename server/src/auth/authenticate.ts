// From a bearer token to the calling user, or UNAUTHORIZED.

import type { UserDoc } from '../db/documents';
import { toObjectId } from '../db/ids';
import { Refusal } from '../lib/refusal';
import type { Services } from '../services';
import { findUserById } from './users';

async function findCaller(services: Services, userId: string): Promise<UserDoc | null> {
  const cached = services.callers.get(userId);
  if (cached) return cached;
  const mark = services.callers.mark();
  const user = await findUserById(services.db, toObjectId(userId));
  if (user) services.callers.set(user, mark);
  return user;
}

export async function authenticate(services: Services, token: string | null): Promise<UserDoc> {
  if (!token) throw new Refusal({ code: 'UNAUTHORIZED', message: 'Please sign in.' });
  const claims = services.tokens.verify(token);
  if (!claims) {
    throw new Refusal({
      code: 'UNAUTHORIZED',
      message: 'Your session has expired. Please sign in again.',
    });
  }
  const [user, signedOut] = await Promise.all([
    findCaller(services, claims.userId),
    claims.family ? services.signedOut.isSignedOut(claims.family) : false,
  ]);
  if (!user || signedOut || (user.token_version ?? 0) !== claims.tokenVersion) {
    throw new Refusal({
      code: 'UNAUTHORIZED',
      message: 'Your session has ended. Please sign in again.',
    });
  }
  return user;
}
