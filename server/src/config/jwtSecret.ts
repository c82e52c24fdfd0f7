// JWT_SECRET: checked for length and, in production, for predictability; in
// development, made once per data folder so tokens survive restarts.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { ConfigError } from './configError';

export function resolveJwtSecret(
  value: string | undefined,
  production: boolean,
  dataDir: string,
): string {
  if (value !== undefined) {
    if (Buffer.byteLength(value) < 32) {
      throw new ConfigError('Invalid configuration:\n  JWT_SECRET: must be at least 32 bytes');
    }
    const bits = estimatedEntropyBits(value);
    if (production && bits < 128) {
      throw new ConfigError(
        `Invalid configuration:\n  JWT_SECRET: too predictable (about ${Math.floor(bits)} bits; at least 128 needed): use random bytes, e.g. \`openssl rand -base64 48\``,
      );
    }
    return value;
  }
  if (production) {
    throw new ConfigError(
      'Invalid configuration:\n  JWT_SECRET: required in production (at least 32 random bytes, e.g. `openssl rand -base64 48`)',
    );
  }
  // Development: one secret per data folder, so tokens survive restarts.
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/**
 * A rough upper bound on a secret's entropy: the lesser of its length times the
 * Shannon entropy of its characters and its size compressed (which catches
 * repeats). 32 × 'a' scores 0; 48 random bytes in base64 about 350.
 */
export function estimatedEntropyBits(secret: string): number {
  const chars = [...secret];
  const counts = new Map<string, number>();
  for (const c of chars) counts.set(c, (counts.get(c) ?? 0) + 1);
  let perChar = 0;
  for (const n of counts.values()) {
    const p = n / chars.length;
    perChar -= p * Math.log2(p);
  }
  const compressedBits = deflateRawSync(secret, { level: 9 }).length * 8;
  return Math.min(perChar * chars.length, compressedBits);
}
