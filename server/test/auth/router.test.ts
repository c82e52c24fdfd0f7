import { authResultSchema, userSchema } from '@parley/shared';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../src/services';
import { callerFor, closeServices, codeOf, testServices } from '../support/harness';

let services: Services;
beforeAll(async () => {
  services = await testServices({}, (c) => {
    c.refreshReuseGraceMs = 0;
  });
});
afterAll(() => closeServices(services));

const anon = () => callerFor(services);

describe('auth router', () => {
  it('registers, logs in, answers me, refreshes and logs out, with string ids', async () => {
    const reg = await anon().auth.register({
      username: 'Marta',
      password: 'a good password',
      refreshTransport: 'body',
    });
    expect(authResultSchema.parse(reg).user).toMatchObject({ username: 'Marta' });
    expect(reg.user.id).toMatch(/^[0-9a-f]{24}$/);
    expect(reg.refreshToken).toBeTruthy();

    const login = await anon().auth.login({
      username: 'marta',
      password: 'a good password',
      refreshTransport: 'body',
    });
    expect(login.user.id).toBe(reg.user.id);

    const me = await callerFor(services, null, { accessToken: login.accessToken }).auth.me();
    expect(userSchema.parse(me)).toEqual(reg.user);

    const refreshed = await anon().auth.refresh({ refreshToken: login.refreshToken });
    expect(refreshed.user.id).toBe(reg.user.id);
    expect(refreshed.refreshToken).not.toBe(login.refreshToken);

    await anon().auth.logout({ refreshToken: refreshed.refreshToken });
    expect(await codeOf(anon().auth.refresh({ refreshToken: refreshed.refreshToken }))).toBe(
      'UNAUTHORIZED',
    );
  });

  it('treats names without regard to case: Alice and alice cannot both register', async () => {
    await anon().auth.register({ username: 'Alice', password: 'password one' });
    expect(
      await codeOf(anon().auth.register({ username: 'alice', password: 'password two' })),
    ).toBe('CONFLICT');
    const me = await anon().auth.login({ username: 'ALICE', password: 'password one' });
    expect(me.user.username).toBe('Alice');
  });

  it('20 concurrent registrations of one name make exactly one user', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () =>
        anon().auth.register({ username: 'racer', password: 'racing password' }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) {
      if (r.status === 'rejected') expect((r.reason as TRPCError).code).toBe('CONFLICT');
    }
    expect(await services.db.users.countDocuments({ username_lower: 'racer' })).toBe(1);
  });

  it('refuses a 73-byte password with a message about its length, and takes 72 bytes of multi-byte characters', async () => {
    const err = await anon()
      .auth.register({ username: 'longpw', password: 'x'.repeat(73) })
      .catch((e: TRPCError) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect((err as TRPCError).code).toBe('BAD_REQUEST');
    expect((err as TRPCError).message).toMatch(/at most 72 bytes/);

    const password = 'é'.repeat(36); // 72 bytes of UTF-8
    expect(Buffer.byteLength(password)).toBe(72);
    await anon().auth.register({ username: 'multibyte', password });
    await expect(anon().auth.login({ username: 'multibyte', password })).resolves.toBeTruthy();
    // A longer password sharing those 72 bytes is refused, not silently matched.
    expect(
      await codeOf(anon().auth.login({ username: 'multibyte', password: `${password}!` })),
    ).toBe('BAD_REQUEST');
  });

  it('answers a wrong username and a wrong password with the same message', async () => {
    await anon().auth.register({ username: 'samemsg', password: 'right password' });
    const a = await anon()
      .auth.login({ username: 'samemsg', password: 'wrong password' })
      .catch((e: Error) => e.message);
    const b = await anon()
      .auth.login({ username: 'nobody-here', password: 'wrong password' })
      .catch((e: Error) => e.message);
    expect(a).toBe('Wrong username or password.');
    expect(b).toBe(a);
  });

  it('a reused refresh credential revokes its whole family', async () => {
    await anon().auth.register({ username: 'thief', password: 'family password' });
    const first = await anon().auth.login({
      username: 'thief',
      password: 'family password',
      refreshTransport: 'body',
    });
    const second = await anon().auth.refresh({ refreshToken: first.refreshToken });
    // The spent credential comes back: someone copied it. Both it and its successor stop working.
    expect(await codeOf(anon().auth.refresh({ refreshToken: first.refreshToken }))).toBe(
      'UNAUTHORIZED',
    );
    expect(await codeOf(anon().auth.refresh({ refreshToken: second.refreshToken }))).toBe(
      'UNAUTHORIZED',
    );
  });

  it('after a token-version bump every old access token fails', async () => {
    await anon().auth.register({ username: 'bumped', password: 'bumped password' });
    const a = await anon().auth.login({ username: 'bumped', password: 'bumped password' });
    const b = await anon().auth.login({ username: 'bumped', password: 'bumped password' });
    // Both tokens were just used, so this process holds the caller's record.
    for (const t of [a.accessToken, b.accessToken]) {
      await expect(callerFor(services, null, { accessToken: t }).auth.me()).resolves.toBeTruthy();
    }
    await callerFor(services, null, { accessToken: a.accessToken }).auth.logoutEverywhere();
    for (const t of [a.accessToken, b.accessToken]) {
      expect(await codeOf(callerFor(services, null, { accessToken: t }).auth.me())).toBe(
        'UNAUTHORIZED',
      );
    }
    const again = await anon().auth.login({ username: 'bumped', password: 'bumped password' });
    await expect(
      callerFor(services, null, { accessToken: again.accessToken }).auth.me(),
    ).resolves.toBeTruthy();
  });

  it('refuses invalid inputs with field errors and changes nothing', async () => {
    const before = await services.db.users.countDocuments();
    const bad: unknown[] = [
      {},
      { username: 'ok-name' },
      { username: 42, password: 'password123' },
      { username: 'x'.repeat(10_000), password: 'password123' },
      { username: { $gt: '' }, password: 'password123' },
      { username: 'ok-name', password: { $ne: null } },
      { username: 'has space', password: 'password123' },
      { username: 'ok-name', password: 'short' },
    ];
    for (const input of bad) {
      const e = await anon()
        .auth.register(input as never)
        .catch((err: TRPCError) => err);
      expect(e).toBeInstanceOf(TRPCError);
      expect((e as TRPCError).code).toBe('BAD_REQUEST');
    }
    for (const input of [
      { username: { $gt: '' }, password: 'x' },
      { username: 'alice', password: { $ne: 1 } },
    ]) {
      expect(await codeOf(anon().auth.login(input as never))).toBe('BAD_REQUEST');
    }
    expect(await services.db.users.countDocuments()).toBe(before);
  });
});

describe('an access token alone', () => {
  it("refreshTransport 'none' signs in without storing a refresh credential", async () => {
    await anon().auth.register({ username: 'tokenonly', password: 'token only password' });
    const before = await services.db.refreshTokens.countDocuments();
    const r = await anon().auth.login({
      username: 'tokenonly',
      password: 'token only password',
      refreshTransport: 'none',
    });
    expect(r.refreshToken).toBeUndefined();
    expect(await services.db.refreshTokens.countDocuments()).toBe(before);
    await expect(
      callerFor(services, null, { accessToken: r.accessToken }).auth.me(),
    ).resolves.toMatchObject({
      username: 'tokenonly',
    });
  });
});
