// The login throttle: failures count for the window, attempts in flight only while
// they run, and a refusal says which of the two it was.
import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { LoginThrottle } from '../../src/auth/throttle';
import { RetryAfter } from '../../src/trpc/retryAfter';
import { callerFor, closeServices, testServices } from '../support/harness';

const limits = { windowMs: 60_000, perUsername: 5, perAddress: 30 };

function refusal(run: () => unknown): { message: string; retryAfter: number | undefined } | null {
  try {
    run();
    return null;
  } catch (e) {
    if (!(e instanceof TRPCError) || e.code !== 'TOO_MANY_REQUESTS') throw e;
    return {
      message: e.message,
      retryAfter: e.cause instanceof RetryAfter ? e.cause.seconds : undefined,
    };
  }
}

describe('the login throttle', () => {
  it('gives a correct login its place back: a crowd behind one address is never locked out', () => {
    const throttle = new LoginThrottle(limits);
    const crowd = Array.from({ length: 30 }, (_, i) => throttle.begin(`user${i}`, 'office'));
    const late = refusal(() => throttle.begin('user30', 'office'));
    expect(late?.message).toMatch(/at once/);
    expect(late?.retryAfter).toBe(1);
    for (const a of crowd) a.succeeded();
    for (let i = 0; i < 100; i++) throttle.begin(`later${i}`, 'office').succeeded();
  });

  it('counts failures for the window, and says how long to wait', () => {
    const throttle = new LoginThrottle(limits);
    for (let i = 0; i < 5; i++) throttle.begin('target', `addr${i}`).failed();
    const locked = refusal(() => throttle.begin('target', 'elsewhere'));
    expect(locked?.message).toMatch(/failed attempts/);
    expect(locked?.retryAfter).toBeGreaterThan(50);
    // The address budget is separate: other names from those addresses still get in.
    throttle.begin('someone else', 'addr0').succeeded();
  });

  it('lets no more attempts run together than the limit, and ends each once', () => {
    const throttle = new LoginThrottle(limits);
    const running = Array.from({ length: 5 }, () => throttle.begin('batch', 'one'));
    expect(refusal(() => throttle.begin('batch', 'one'))).not.toBeNull();
    for (const a of running) {
      a.abandoned();
      a.failed(); // already ended: counts nothing
    }
    expect(refusal(() => throttle.begin('batch', 'one'))).toBeNull();
  });
});

describe('auth.login from one address', () => {
  it('signs in 40 users at once; none is told of failed attempts, and those asked to wait get in on retry', async () => {
    const services = await testServices({ BCRYPT_COST: '8' });
    try {
      const names = Array.from({ length: 40 }, (_, i) => `crowd${i}`);
      const anon = () => callerFor(services, null, { clientAddress: '203.0.113.7' });
      for (const username of names) {
        await anon().auth.register({ username, password: 'crowd password' });
      }
      const login = (username: string) =>
        anon().auth.login({ username, password: 'crowd password', refreshTransport: 'body' });
      const first = await Promise.allSettled(names.map(login));
      const waits = first.flatMap((r) => (r.status === 'rejected' ? [r.reason as TRPCError] : []));
      for (const e of waits) {
        expect(e.code).toBe('TOO_MANY_REQUESTS');
        expect(e.message).toMatch(/at once/);
      }
      const retried = names.filter((_, i) => first[i]?.status === 'rejected');
      for (const username of retried) await expect(login(username)).resolves.toBeTruthy();
    } finally {
      await closeServices(services);
    }
  });
});
