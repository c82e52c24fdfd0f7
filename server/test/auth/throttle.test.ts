// The login throttle: failures count for the window, attempts in flight only while
// they run, and a refusal says which of the two it was. A name's failures from
// elsewhere only slow its sign-ins down: they never lock its owner out.
import type { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { LoginThrottle } from '../../src/auth/throttle';
import { createUser } from '../../src/auth/users';
import { Refusal } from '../../src/lib/refusal';
import { RetryAfter } from '../../src/lib/retryAfter';
import { callerFor, closeServices, testServices } from '../support/harness';

const limits = {
  windowMs: 60_000,
  perUsernameAndAddress: 5,
  perAddress: 30,
  slowAfter: 5,
  delayMs: 500,
  maxDelayMs: 8_000,
};

function refusal(run: () => unknown): { message: string; retryAfter: number | undefined } | null {
  try {
    run();
    return null;
  } catch (e) {
    if (!(e instanceof Refusal) || e.code !== 'TOO_MANY_REQUESTS') throw e;
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

  it('counts failures per name and address for the window, and says how long to wait', () => {
    const throttle = new LoginThrottle(limits);
    for (let i = 0; i < 5; i++) throttle.begin('target', 'attacker').failed();
    const locked = refusal(() => throttle.begin('target', 'attacker'));
    expect(locked?.message).toMatch(/failed attempts/);
    expect(locked?.retryAfter).toBeGreaterThan(50);
    // The address budget is separate: other names from that address still get in.
    throttle.begin('someone else', 'attacker').succeeded();
  });

  it("never refuses a name for failures from other addresses: it slows the name's attempts, up to a cap", () => {
    const throttle = new LoginThrottle(limits);
    const delays: number[] = [];
    for (let i = 0; i < 12; i++) {
      const attempt = throttle.begin('target', `addr${i}`);
      delays.push(attempt.delayMs);
      attempt.failed();
    }
    expect(delays).toEqual([0, 0, 0, 0, 0, 500, 1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
    // The owner, from an address that has not failed, is admitted (after the delay).
    const owner = throttle.begin('target', 'home');
    expect(owner.delayMs).toBe(8_000);
    owner.succeeded();
    // Other names are not slowed.
    expect(throttle.begin('bystander', 'addr0').delayMs).toBe(0);
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
        await createUser(services.db, services.passwords, username, 'crowd password');
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
      // All 40 start before any ends, so the address's 30 places leave 10 to wait.
      expect(retried.length).toBeGreaterThanOrEqual(names.length - 30);
      for (const username of retried) await expect(login(username)).resolves.toBeTruthy();
    } finally {
      await closeServices(services);
    }
  });
});

describe('a lockout attempt against one user', () => {
  it('five wrong passwords from one address: that address is refused, the owner elsewhere signs in', async () => {
    const services = await testServices({}, (c) => {
      c.loginThrottle = { ...c.loginThrottle, delayMs: 20, maxDelayMs: 40 };
    });
    try {
      await createUser(services.db, services.passwords, 'alice', 'alice real password');
      const from = (clientAddress: string, password: string) =>
        callerFor(services, null, { clientAddress }).auth.login({ username: 'alice', password });
      const answers: string[] = [];
      for (let i = 0; i < 7; i++) {
        answers.push(
          await from('198.51.100.1', `guess ${i}`).then(
            () => 'OK',
            (e: TRPCError) => e.code,
          ),
        );
      }
      expect(answers).toEqual([
        ...Array(5).fill('UNAUTHORIZED'),
        ...Array(2).fill('TOO_MANY_REQUESTS'),
      ]);
      await expect(from('198.51.100.1', 'alice real password')).rejects.toMatchObject({
        code: 'TOO_MANY_REQUESTS',
      });
      const owner = await from('203.0.113.50', 'alice real password');
      expect(owner.user.username).toBe('alice');
    } finally {
      await closeServices(services);
    }
  });

  it("delays the attacked name's sign-ins: a later sign-in to another name finishes first", async () => {
    const services = await testServices({}, (c) => {
      c.loginThrottle = { ...c.loginThrottle, delayMs: 1_000, maxDelayMs: 1_000 };
    });
    try {
      await createUser(services.db, services.passwords, 'target', 'target real password');
      await createUser(services.db, services.passwords, 'bystander', 'bystander password');
      const login = (username: string, password: string, clientAddress: string) =>
        callerFor(services, null, { clientAddress }).auth.login({ username, password });
      for (let i = 0; i < 5; i++) {
        await expect(login('target', `guess ${i}`, `198.51.100.${i}`)).rejects.toThrow();
      }
      const finished: string[] = [];
      const owner = login('target', 'target real password', '203.0.113.9').then((r) => {
        finished.push('target');
        return r;
      });
      await login('bystander', 'bystander password', '203.0.113.9');
      finished.push('bystander');
      expect((await owner).user.username).toBe('target');
      expect(finished).toEqual(['bystander', 'target']);
    } finally {
      await closeServices(services);
    }
  });
});
