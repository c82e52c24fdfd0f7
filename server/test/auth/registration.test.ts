// Registration limits: per address and per process, taken-name answers counted
// against the address, and a bcrypt lane of its own so sign-ups never make a
// sign-in wait.
import type { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import { createUser } from '../../src/auth/users';
import { RetryAfter } from '../../src/lib/retryAfter';
import { callerFor, closeServices, startTestServer, testServices } from '../support/harness';
import { errorOf, mutate } from '../support/http';

const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'OK',
    (e: TRPCError) => e.code,
  );

describe('registration over HTTP', () => {
  let parley: Parley;
  beforeAll(async () => {
    parley = await startTestServer({ REGISTER_PER_ADDRESS: '5', REGISTER_PER_MINUTE: '1000' });
  });
  afterAll(() => parley.stop());

  it('40 sign-ups in a row from one address: five accounts, then 429 with Retry-After', async () => {
    const statuses: number[] = [];
    let refused: Awaited<ReturnType<typeof mutate>> | undefined;
    for (let i = 0; i < 40; i++) {
      const res = await mutate(parley.url, 'auth.register', {
        username: `rowuser${i}`,
        password: 'a row of passwords',
      });
      statuses.push(res.status);
      if (res.status === 429) refused = res;
    }
    expect(statuses.slice(0, 5)).toEqual(Array(5).fill(200));
    expect(statuses.slice(5)).toEqual(Array(35).fill(429));
    expect(errorOf(refused!).data.code).toBe('TOO_MANY_REQUESTS');
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThan(60);
    expect(await parley.services.db.users.countDocuments({})).toBe(5);
  });
});

describe('registration limits', () => {
  it('counts "That username is taken" against the address: 100 probes are throttled', async () => {
    const services = await testServices({ REGISTER_PER_ADDRESS: '5', REGISTER_PER_MINUTE: '1000' });
    try {
      await createUser(services.db, services.passwords, 'famous', 'famous password');
      const probe = (username: string) =>
        callerFor(services, null, { clientAddress: '198.51.100.3' }).auth.register({
          username,
          password: 'probing password',
        });
      const answers: string[] = [];
      for (let i = 0; i < 100; i++) answers.push(await outcome(probe('famous')));
      expect(answers.slice(0, 5)).toEqual(Array(5).fill('CONFLICT'));
      expect(answers.slice(5)).toEqual(Array(95).fill('TOO_MANY_REQUESTS'));
      // The address is spent, for names free or taken; another address is not.
      expect(await outcome(probe('fresh_name'))).toBe('TOO_MANY_REQUESTS');
      const other = callerFor(services, null, { clientAddress: '198.51.100.4' });
      expect(
        await outcome(
          other.auth.register({ username: 'fresh_name', password: 'probing password' }),
        ),
      ).toBe('OK');
    } finally {
      await closeServices(services);
    }
  });

  it('limits sign-ups per process across addresses, saying when to retry', async () => {
    const services = await testServices({ REGISTER_PER_ADDRESS: '5', REGISTER_PER_MINUTE: '8' });
    try {
      const answers: string[] = [];
      let retryAfter: number | undefined;
      for (let i = 0; i < 12; i++) {
        const caller = callerFor(services, null, { clientAddress: `203.0.113.${i}` });
        answers.push(
          await caller.auth.register({ username: `spread${i}`, password: 'spread password' }).then(
            () => 'OK',
            (e: TRPCError) => {
              if (e.cause instanceof RetryAfter) retryAfter = e.cause.seconds;
              return e.code;
            },
          ),
        );
      }
      expect(answers).toEqual([...Array(8).fill('OK'), ...Array(4).fill('TOO_MANY_REQUESTS')]);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
    } finally {
      await closeServices(services);
    }
  });

  it('with 100 sign-ups queued for bcrypt, a login gets in while they are still waiting', async () => {
    // A real cost, so each hash takes a while; no registration limits in the way.
    const queue = 30;
    const services = await testServices(
      { BCRYPT_COST: '10', REGISTER_PER_ADDRESS: '1000', REGISTER_PER_MINUTE: '1000' },
      (c) => {
        c.bcrypt.registrations.queue = queue;
      },
    );
    try {
      await createUser(services.db, services.passwords, 'regular', 'regular password');
      let registered = 0;
      let refused = 0;
      const signUps = Array.from({ length: 100 }, (_, i) =>
        callerFor(services, null, { clientAddress: `192.0.2.${i}` })
          .auth.register({ username: `queued${i}`, password: 'queued password' })
          .then(
            () => {
              registered++;
            },
            (e: TRPCError) => {
              expect(e.code).toBe('TOO_MANY_REQUESTS');
              refused++;
            },
          ),
      );
      // Wait (bounded) until sign-ups are being turned away: their lane is full.
      for (let i = 0; i < 2_000 && refused === 0; i++) {
        await new Promise((r) => setTimeout(r, 5));
      }
      const login = await callerFor(services, null, { clientAddress: '192.0.2.200' }).auth.login({
        username: 'regular',
        password: 'regular password',
      });
      const registeredAtLogin = registered;
      expect(login.user.username).toBe('regular');
      await Promise.all(signUps);
      // One hashing and `queue` waiting were admitted (more, if a hash ended while the
      // hundred were still arriving, as on a loaded machine), the rest refused; the login
      // finished before the admitted ones were served.
      expect(registered + refused).toBe(100);
      expect(registered).toBeGreaterThanOrEqual(1 + queue);
      expect(refused).toBeGreaterThan(0);
      expect(registeredAtLogin).toBeLessThan(registered);
    } finally {
      await closeServices(services);
    }
  });
});
