// Access tokens: short-lived HS256 JWTs. Verification pins the algorithm, issuer,
// audience and type, and requires an expiry; jsonwebtoken checks none of these by default.
import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

const issuer = 'parley';
const audience = 'parley-api';

export interface AccessClaims {
  userId: string;
  tokenVersion: number;
}

export class AccessTokens {
  private readonly key: KeyObject;

  constructor(
    secret: string,
    readonly ttlSeconds: number,
  ) {
    // A KeyObject verifies far faster than a string secret, which is re-imported every call.
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  sign(claims: AccessClaims): { token: string; expiresAt: Date } {
    const now = Math.floor(Date.now() / 1000);
    const exp = now + this.ttlSeconds;
    const token = jwt.sign({ typ: 'access', ver: claims.tokenVersion, iat: now, exp }, this.key, {
      algorithm: 'HS256',
      issuer,
      audience,
      subject: claims.userId,
    });
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /** The claims of a valid access token, or null for anything else. */
  verify(token: string): AccessClaims | null {
    try {
      const payload = jwt.verify(token, this.key, {
        algorithms: ['HS256'],
        issuer,
        audience,
      });
      if (typeof payload !== 'object' || payload === null) return null;
      if (typeof payload.exp !== 'number' || payload.typ !== 'access') return null;
      if (typeof payload.sub !== 'string' || !/^[0-9a-f]{24}$/.test(payload.sub)) return null;
      if (typeof payload.ver !== 'number') return null;
      return { userId: payload.sub, tokenVersion: payload.ver };
    } catch {
      return null;
    }
  }
}
