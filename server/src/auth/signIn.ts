// What login, register and refresh share: tokens for a user, with the refresh
// credential in an httpOnly cookie (browsers), in the body (scripts), or none.
import type { AuthResult } from '@parley/shared';
import type { UserDoc } from '../db/documents';
import { idString } from '../db/ids';
import { Refusal } from '../lib/refusal';
import type { Services } from '../services';
import { type IssuedRefresh, issueRefresh, refreshCookie, refreshCookieName } from './refresh';
import type { RequestInfo } from './request';
import { toApiUser } from './users';

export type RefreshTransport = 'cookie' | 'body' | 'none';

export function deliver(
  services: Services,
  req: RequestInfo,
  user: UserDoc,
  refresh: IssuedRefresh | null,
  transport: RefreshTransport,
): AuthResult {
  const access = services.tokens.sign({
    userId: idString(user._id),
    tokenVersion: user.token_version ?? 0,
    family: refresh?.family ?? null,
  });
  const result: AuthResult = {
    user: toApiUser(user),
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt,
  };
  if (!refresh) return result;
  if (transport === 'body') result.refreshToken = refresh.token;
  else
    req.setCookie(
      refreshCookie(refresh.token, refresh.expiresAt, services.config.env === 'production'),
    );
  return result;
}

export async function signIn(
  services: Services,
  req: RequestInfo,
  user: UserDoc,
  transport: RefreshTransport,
): Promise<AuthResult> {
  const refresh =
    transport === 'none'
      ? null
      : await issueRefresh(services.db, user, services.config.refreshTokenTtlDays);
  return deliver(services, req, user, refresh, transport);
}

/**
 * The refresh credential a call presents: from the body (scripts) or the cookie,
 * and a cookie only from our own pages.
 */
export function presentedRefresh(
  req: RequestInfo,
  fromBody: string | undefined,
): { token: string; transport: Exclude<RefreshTransport, 'none'> } | null {
  if (fromBody) return { token: fromBody, transport: 'body' };
  const cookie = req.cookies[refreshCookieName];
  if (!cookie) return null;
  if (!req.sameSite) {
    throw new Refusal({
      code: 'FORBIDDEN',
      message: 'Cross-site requests may not use the sign-in cookie.',
    });
  }
  return { token: cookie, transport: 'cookie' };
}
