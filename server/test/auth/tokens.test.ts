import { createHmac } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../src/services';
import { callerFor, closeServices, newUser, testSecret, testServices } from '../support/harness';

let services: Services;
let userId: string;
beforeAll(async () => {
  services = await testServices();
  userId = (await newUser(services)).user._id.toHexString();
});
afterAll(() => closeServices(services));

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const claims = () => ({
  sub: userId,
  ver: 0,
  typ: 'access',
  iss: 'parley',
  aud: 'parley-api',
  iat: Math.floor(Date.now() / 1000),
  exp: Math.floor(Date.now() / 1000) + 600,
});

function withoutExp() {
  const { exp: _exp, ...rest } = claims();
  return rest;
}

async function meWith(token: string): Promise<string> {
  try {
    await callerFor(services, null, { accessToken: token }).auth.me();
    return 'OK';
  } catch (e) {
    return (e as { code: string }).code;
  }
}

describe('access tokens', () => {
  it('accepts a token it signed', async () => {
    const { token } = services.tokens.sign({ userId, tokenVersion: 0 });
    expect(await meWith(token)).toBe('OK');
  });

  it('refuses alg none, another secret, HS512, an altered payload, no exp, and a refresh-type token', async () => {
    const forged: Record<string, string> = {
      none: `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`,
      otherSecret: jwt.sign(claims(), 'another-secret-that-is-long-enough-to-pass', {
        algorithm: 'HS256',
      }),
      hs512: jwt.sign(claims(), testSecret, { algorithm: 'HS512' }),
      noExp: jwt.sign(withoutExp(), testSecret, { algorithm: 'HS256' }),
      refreshType: jwt.sign({ ...claims(), typ: 'refresh' }, testSecret, { algorithm: 'HS256' }),
      otherAudience: jwt.sign({ ...claims(), aud: 'elsewhere' }, testSecret, {
        algorithm: 'HS256',
      }),
    };
    const good = services.tokens.sign({ userId, tokenVersion: 0 }).token;
    const [h, , s] = good.split('.');
    forged.altered = `${h}.${b64({ ...claims(), sub: 'ffffffffffffffffffffffff' })}.${s}`;
    // Re-signed by hand with the right secret but carrying a different type: still refused.
    const head = b64({ alg: 'HS256', typ: 'JWT' });
    const body = b64({ ...claims(), typ: 'id' });
    forged.wrongTyp = `${head}.${body}.${createHmac('sha256', testSecret).update(`${head}.${body}`).digest('base64url')}`;
    for (const [name, token] of Object.entries(forged)) {
      expect([name, await meWith(token)]).toEqual([name, 'UNAUTHORIZED']);
    }
  });

  it('refuses an expired token', async () => {
    const expired = jwt.sign({ ...claims(), exp: Math.floor(Date.now() / 1000) - 5 }, testSecret, {
      algorithm: 'HS256',
    });
    expect(await meWith(expired)).toBe('UNAUTHORIZED');
  });

  it('refuses no token and garbage', async () => {
    expect(await meWith('')).toBe('UNAUTHORIZED');
    expect(await meWith('not.a.token')).toBe('UNAUTHORIZED');
  });
});
