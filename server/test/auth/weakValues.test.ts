// Weak values refused at sign-up and sign-in: the commonest passwords (a bundled
// top-10,000 list, checked only here on the server) and look-alike usernames.
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZodError, z } from 'zod';
import { isCommonPassword } from '../../src/auth/passwords';
import { createUser } from '../../src/auth/users';
import type { Services } from '../../src/services';
import { callerFor, closeServices, testServices } from '../support/harness';

let services: Services;
beforeAll(async () => {
  services = await testServices();
});
afterAll(() => closeServices(services));

const anon = () => callerFor(services);

async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string } | null> {
  try {
    await p;
    return null;
  } catch (e) {
    if (e instanceof TRPCError) return { code: e.code, message: e.message };
    throw e;
  }
}

describe('common passwords', () => {
  it('knows the top of the list in any case, and not a passphrase', () => {
    for (const p of ['password', 'Password', '12345678', 'qwertyuiop', 'iloveyou', 'PASSWORD1']) {
      expect(isCommonPassword(p), p).toBe(true);
    }
    for (const p of ['correct horse battery', 'alicepass123', 'x7#Lq9!vB2']) {
      expect(isCommonPassword(p), p).toBe(false);
    }
  });

  it('refuses "password" at sign-up with a clear message, and makes no user', async () => {
    const answer = await refusal(
      anon().auth.register({ username: 'commoner', password: 'password' }),
    );
    expect(answer?.code).toBe('BAD_REQUEST');
    expect(answer?.message).toMatch(/too common/);
    // Named as the password field's error, so the sign-up form shows it there.
    const cause = await anon()
      .auth.register({ username: 'commoner', password: 'iloveyou' })
      .catch((e: TRPCError) => e.cause);
    expect(cause instanceof ZodError && z.flattenError(cause).fieldErrors).toEqual({
      password: [expect.stringMatching(/too common/)],
    });
    expect(await services.db.users.countDocuments({ username_lower: 'commoner' })).toBe(0);
    await expect(
      anon().auth.register({ username: 'commoner', password: 'an uncommon phrase' }),
    ).resolves.toBeTruthy();
  });
});

describe('usernames are ASCII, compared without regard to ASCII case only', () => {
  it('the Kelvin sign does not sign in as the "k" user: wrong credentials, nothing else', async () => {
    await createUser(services.db, services.passwords, 'kuser1', 'kelvin password');
    const answer = await refusal(
      anon().auth.login({ username: '\u212Auser1', password: 'kelvin password' }),
    );
    expect(answer).toEqual({ code: 'UNAUTHORIZED', message: 'Wrong username or password.' });
    // Other non-ASCII look-alikes, e.g. a dotted capital I, find no one either.
    await createUser(services.db, services.passwords, 'iuser2', 'dotted password');
    expect(
      (await refusal(anon().auth.login({ username: '\u0130user2', password: 'dotted password' })))
        ?.code,
    ).toBe('UNAUTHORIZED');
    const real = await anon().auth.login({ username: 'KUSER1', password: 'kelvin password' });
    expect(real.user.username).toBe('kuser1');
  });
});
