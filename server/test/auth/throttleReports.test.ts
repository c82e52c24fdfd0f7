// What another process reports to the throttles (throttleSharing.ts) counts as its
// own would, and no more: a clock ahead of this one's locks no one out, a late
// "correct sign-in" forgives only the failures before it, and reports racing each
// other past a limit lose none that still count.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RegistrationThrottle } from '../../src/auth/registrationThrottle';
import { LoginThrottle } from '../../src/auth/throttle';
import { Refusal } from '../../src/lib/refusal';

const refused = (run: () => unknown) => {
  try {
    run();
    return false;
  } catch (e) {
    if (e instanceof Refusal && e.code === 'TOO_MANY_REQUESTS') return true;
    throw e;
  }
};

afterEach(() => vi.useRealTimers());

describe('throttles counting other processes’ reports', () => {
  it('a sign-up reported from a clock minutes ahead expires with this one’s', () => {
    vi.useFakeTimers({ now: 1_000_000_000 });
    const t = new RegistrationThrottle({ windowMs: 600_000, perAddress: 5, perMinute: 1_000 });
    t.count({ kind: 'counted', address: 'a', at: Date.now() + 300_000 });
    for (let i = 0; i < 4; i++) t.begin('a');
    expect(refused(() => t.begin('a'))).toBe(true);
    vi.advanceTimersByTime(600_001);
    expect(t.counted()).toBe(0);
    for (let i = 0; i < 5; i++) expect(refused(() => t.begin('a'))).toBe(false);
  });

  it('a sign-up given back elsewhere, at an address past its limit, takes only itself away', () => {
    vi.useFakeTimers({ now: 1_000_000_000 });
    const t = new RegistrationThrottle({ windowMs: 600_000, perAddress: 5, perMinute: 1_000 });
    for (let i = 0; i < 5; i++) {
      t.begin('a');
      vi.advanceTimersByTime(10);
    }
    const racing = Date.now();
    t.count({ kind: 'counted', address: 'a', at: racing });
    t.count({ kind: 'abandoned', address: 'a', at: racing });
    expect(t.counted()).toBe(5);
    expect(refused(() => t.begin('a'))).toBe(true);
  });

  it('a correct sign-in reported late forgives only the failures before it', () => {
    vi.useFakeTimers({ now: 1_000_000_000 });
    const t = new LoginThrottle({
      windowMs: 900_000,
      perUsernameAndAddress: 5,
      perAddress: 30,
      slowAfter: 5,
      delayMs: 500,
      maxDelayMs: 8_000,
    });
    const signedIn = Date.now();
    vi.advanceTimersByTime(60_000);
    for (let i = 0; i < 5; i++) t.begin('ann', 'a').failed();
    t.count({ kind: 'succeeded', username: 'ann', address: 'a', at: signedIn });
    expect(refused(() => t.begin('ann', 'a'))).toBe(true);
    // One reported after them forgives them.
    t.count({ kind: 'succeeded', username: 'ann', address: 'a', at: Date.now() });
    expect(refused(() => t.begin('ann', 'a'))).toBe(false);
  });
});
