import { setTimeout as sleep } from 'node:timers/promises';
import type { AuthResult, Session } from '@parley/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import { startTestServer } from '../support/harness';
import { cookieFrom, dataOf, errorOf, mutate, mutateBatch, query } from '../support/http';

let parley: Parley;
const windowMs = 1_500;
beforeAll(async () => {
  parley = await startTestServer({}, (c) => {
    c.loginThrottle = { ...c.loginThrottle, windowMs, perUsernameAndAddress: 5, perAddress: 1000 };
  });
});
afterAll(() => parley.stop());

async function register(username: string, password = 'http password') {
  return mutate(parley.url, 'auth.register', { username, password });
}

describe('auth over HTTP', () => {
  it('keeps the refresh credential in an httpOnly SameSite cookie, never in the body', async () => {
    const res = await register('cookie-user');
    expect(res.status).toBe(200);
    const setCookie = res.headers.getSetCookie().join('\n');
    expect(setCookie).toMatch(/parley_refresh=[^;]+; Path=\/trpc; HttpOnly; SameSite=Strict/);
    expect(dataOf<AuthResult>(res).refreshToken).toBeUndefined();

    const cookie = `parley_refresh=${cookieFrom(res, 'parley_refresh')}`;
    const refreshed = await mutate(parley.url, 'auth.refresh', undefined, { cookie });
    expect(refreshed.status).toBe(200);
    const rotated = cookieFrom(refreshed, 'parley_refresh');
    expect(rotated).toBeTruthy();
    expect(rotated).not.toBe(cookieFrom(res, 'parley_refresh'));

    const out = await mutate(parley.url, 'auth.logout', undefined, {
      cookie: `parley_refresh=${rotated}`,
    });
    expect(out.status).toBe(200);
    expect(out.headers.getSetCookie().join()).toMatch(/parley_refresh=; .*Max-Age=0/);
    const after = await mutate(parley.url, 'auth.refresh', undefined, {
      cookie: `parley_refresh=${rotated}`,
    });
    expect(after.status).toBe(401);
  });

  it('two tabs refreshing with the same cookie at once both stay signed in', async () => {
    const res = await register('two-tabs');
    const cookie = `parley_refresh=${cookieFrom(res, 'parley_refresh')}`;
    const [a, b] = await Promise.all([
      mutate(parley.url, 'auth.refresh', undefined, { cookie }),
      mutate(parley.url, 'auth.refresh', undefined, { cookie }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    for (const r of [a, b]) {
      const next = await mutate(parley.url, 'auth.refresh', undefined, {
        cookie: `parley_refresh=${cookieFrom(r, 'parley_refresh')}`,
      });
      expect(next.status).toBe(200);
    }
  });

  it('refuses cross-site use of the cookie: form posts and foreign origins', async () => {
    const res = await register('csrf-target');
    const cookie = `parley_refresh=${cookieFrom(res, 'parley_refresh')}`;
    for (const path of ['auth.refresh', 'auth.logout']) {
      const form = await fetch(`${parley.url}/trpc/${path}`, {
        method: 'POST',
        headers: {
          cookie,
          'content-type': 'application/x-www-form-urlencoded',
          origin: 'https://evil.example',
        },
        body: 'a=1',
      });
      // A body that is not JSON is refused before the call, its cookie unread.
      expect(form.status).toBe(415);
      const multipart = new FormData();
      multipart.set('a', '1');
      const mp = await fetch(`${parley.url}/trpc/${path}`, {
        method: 'POST',
        headers: { cookie },
        body: multipart,
      });
      expect(mp.status).toBe(415);
      const foreign = await mutate(parley.url, path, undefined, {
        cookie,
        origin: 'https://evil.example',
      });
      expect(foreign.status).toBe(403);
      const crossSite = await mutate(parley.url, path, undefined, {
        cookie,
        'sec-fetch-site': 'cross-site',
      });
      expect(crossSite.status).toBe(403);
    }
    // The credential was never spent by those attempts.
    expect((await mutate(parley.url, 'auth.refresh', undefined, { cookie })).status).toBe(200);
  });

  it('throttles failed logins, also inside one batch, with a Retry-After; a correct login works after the window', async () => {
    await register('throttled', 'the right password');
    const wrong = { username: 'throttled', password: 'the wrong password' };
    const batch = await mutateBatch(
      parley.url,
      'auth.login',
      Array.from({ length: 8 }, () => wrong),
    );
    const codes = (batch.body as Array<{ error?: { json: { data: { code: string } } } }>).map(
      (r) => r.error?.json.data.code,
    );
    expect(codes.filter((c) => c === 'UNAUTHORIZED')).toHaveLength(5);
    expect(codes.filter((c) => c === 'TOO_MANY_REQUESTS')).toHaveLength(3);

    const started = Date.now();
    const blocked = await mutate(parley.url, 'auth.login', {
      username: 'throttled',
      password: 'the right password',
    });
    expect(blocked.status).toBe(429);
    expect(Date.now() - started).toBeLessThan(1_000); // answered before any bcrypt work
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(errorOf(blocked).data.retryAfterSeconds).toBeGreaterThan(0);

    await sleep(windowMs + 200);
    const ok = await mutate(parley.url, 'auth.login', {
      username: 'throttled',
      password: 'the right password',
    });
    expect(ok.status).toBe(200);
  });

  it('never sends a stack trace or a driver error text, even when the database refuses a write', async () => {
    const reg = dataOf<AuthResult>(await register('broken-data'));
    const auth = { authorization: `Bearer ${reg.accessToken}` };
    const session = dataOf<Session>(
      await mutate(parley.url, 'session.create', { title: 'x' }, auth),
    );
    // Corrupt the counter so the database itself rejects the next $inc.
    const { ObjectId } = await import('mongodb');
    await parley.services.db.sessions.updateOne(
      { _id: ObjectId.createFromHexString(session.id) },
      { $set: { message_count: 'not a number' as unknown as number } },
    );
    const res = await mutate(
      parley.url,
      'message.send',
      { sessionId: session.id, content: 'hi' },
      auth,
    );
    expect(res.status).toBe(500);
    const e = errorOf(res);
    expect(e.message).toBe('Something went wrong on our side. Please try again.');
    expect(res.text).not.toMatch(/\$inc|non-numeric|Mongo|E11000|stack|\.ts:\d+/i);
    expect(e.data.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('x-request-id')).toBe(e.data.requestId);
  });

  it('answers bad input with BAD_REQUEST and field errors', async () => {
    const res = await mutate(parley.url, 'auth.register', { username: 'ab', password: 'short' });
    expect(res.status).toBe(400);
    const e = errorOf(res);
    const fields = (e.data.zodError as { fieldErrors: Record<string, string[]> }).fieldErrors;
    expect(fields.username?.[0]).toMatch(/at least 3/);
    expect(fields.password?.[0]).toMatch(/at least 8/);
    const me = await query(parley.url, 'auth.me', undefined);
    expect(me.status).toBe(401);
  });
});
