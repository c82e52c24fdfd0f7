// Access tokens: short-lived HS256 JWTs. Verification pins the algorithm, issuer,
// audience and type, and requires an expiry; jsonwebtoken checks none of these by default.
import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

const issuer = 'parley';
const audience = 'parley-api';

export interface AccessClaims {
  userId: string;
  tokenVersion: number;
  /** The refresh family the token was issued with: signing it out ends the token too. */
  family?: string | null;
}

/** Verified tokens remembered per process: a client presents the same one on every request. */
const rememberedTokens = 10_000;

export class AccessTokens {
  private readonly key: KeyObject;
  private readonly verified = new Map<string, { claims: AccessClaims; expiresAtMs: number }>();

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
    const body = { typ: 'access', ver: claims.tokenVersion, iat: now, exp };
    const token = jwt.sign(claims.family ? { ...body, fam: claims.family } : body, this.key, {
      algorithm: 'HS256',
      issuer,
      audience,
      subject: claims.userId,
    });
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /** The claims of a valid access token, or null for anything else. */
  verify(token: string): AccessClaims | null {
    const known = this.verified.get(token);
    if (known) {
      if (known.expiresAtMs > Date.now()) return known.claims;
      this.verified.delete(token);
    }
    const checked = this.check(token);
    if (checked) {
      if (this.verified.size >= rememberedTokens) {
        const oldest = this.verified.keys().next().value;
        if (oldest !== undefined) this.verified.delete(oldest);
      }
      this.verified.set(token, checked);
    }
    return checked?.claims ?? null;
  }

  private check(token: string): { claims: AccessClaims; expiresAtMs: number } | null {
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
      if (payload.fam !== undefined && typeof payload.fam !== 'string') return null;
      return {
        claims: { userId: payload.sub, tokenVersion: payload.ver, family: payload.fam ?? null },
        expiresAtMs: payload.exp * 1000,
      };
    } catch {
      return null;
    }
  }
}
