import { TRPCClientError } from '@trpc/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuthResult } from '../trpc/types';
import { CredentialStore } from './credentials';
import { TokenRenewal } from './renewal';
import { renewalDelayMs } from './renewalSchedule';
import type { TabMessage, TabSync } from './tabSync';

const user = { id: 'a'.repeat(24), username: 'alice', createdAt: new Date(0) };
const minute = 60_000;

function result(token: string, lifetimeMs = 15 * minute): AuthResult {
  return { user, accessToken: token, accessTokenExpiresAt: new Date(Date.now() + lifetimeMs) };
}

/** Two tabs' worth of TabSync in one process: messages go to the other side, the lock is shared. */
function tabPair(): [TabSync, TabSync] {
  const handlers: ((m: TabMessage) => void)[][] = [[], []];
  let lock: Promise<unknown> = Promise.resolve();
  const side = (me: 0 | 1): TabSync => ({
    post: (m) => {
      for (const h of handlers[1 - me]!) h(m);
    },
    onMessage: (h) => {
      handlers[me]!.push(h);
      return () => {};
    },
    exclusive: (task) => {
      const run = lock.then(task, task);
      lock = run.catch(() => undefined);
      return run;
    },
  });
  return [side(0), side(1)];
}

const unauthorized = () =>
  TRPCClientError.from({
    error: { message: 'Please sign in.', code: -32001, data: { code: 'UNAUTHORIZED' } },
  });

describe('access token renewal', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date(2026, 10, 24, 12, 0));
  });
  afterEach(() => vi.useRealTimers());

  it('renews a minute before a 15-minute token expires, and then again', async () => {
    const store = new CredentialStore();
    const refresh = vi.fn(async () => result(`t${refresh.mock.calls.length}`));
    const renewal = new TokenRenewal({ store, refresh, tabs: tabPair()[0] });
    renewal.accept({ ...result('t0') });

    await vi.advanceTimersByTimeAsync(14 * minute - 1_000);
    expect(refresh).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(store.token()).toBe('t1');
    await vi.advanceTimersByTimeAsync(14 * minute);
    expect(refresh).toHaveBeenCalledTimes(2);
    renewal.dispose();
  });

  it('schedules short-lived tokens with a proportional lead, never in a tight loop', () => {
    const now = Date.now();
    expect(renewalDelayMs(new Date(now + 15 * minute), now)).toBe(14 * minute);
    expect(renewalDelayMs(new Date(now + 30_000), now)).toBe(24_000);
    expect(renewalDelayMs(new Date(now - 5_000), now)).toBe(1_000);
  });

  it('shares one request between callers that need a token at once', async () => {
    const store = new CredentialStore();
    const refresh = vi.fn(async () => result('fresh'));
    const renewal = new TokenRenewal({ store, refresh, tabs: tabPair()[0] });
    const outcomes = await Promise.all([renewal.renew(), renewal.renew(), renewal.renew()]);
    expect(outcomes).toEqual(['renewed', 'renewed', 'renewed']);
    expect(refresh).toHaveBeenCalledTimes(1);
    renewal.dispose();
  });

  it('lets one tab renew and hands the token to the other instead of renewing twice', async () => {
    const [tabA, tabB] = tabPair();
    const storeA = new CredentialStore();
    const storeB = new CredentialStore();
    let release: (r: AuthResult) => void = () => {};
    const refreshA = vi.fn(() => new Promise<AuthResult>((r) => (release = r)));
    const refreshB = vi.fn(async () => result('from B'));
    const a = new TokenRenewal({ store: storeA, refresh: refreshA, tabs: tabA });
    const b = new TokenRenewal({ store: storeB, refresh: refreshB, tabs: tabB });

    const first = a.renew();
    const second = b.renew(); // waits for A's lock
    await vi.advanceTimersByTimeAsync(0);
    release(result('from A'));
    expect(await first).toBe('renewed');
    expect(await second).toBe('renewed');
    expect(refreshB).not.toHaveBeenCalled();
    expect(storeB.token()).toBe('from A');
    a.dispose();
    b.dispose();
  });

  it('signs out here and in other tabs when the refresh credential is refused', async () => {
    const [tabA, tabB] = tabPair();
    const storeA = new CredentialStore();
    const storeB = new CredentialStore();
    const a = new TokenRenewal({
      store: storeA,
      refresh: async () => Promise.reject(unauthorized()),
      tabs: tabA,
    });
    const b = new TokenRenewal({ store: storeB, refresh: async () => result('b'), tabs: tabB });
    a.accept(result('old'));
    expect(storeB.token()).toBe('old');
    expect(await a.renew()).toBe('signedOut');
    expect(storeA.get()).toBeNull();
    expect(storeB.get()).toBeNull();
    a.dispose();
    b.dispose();
  });

  it('keeps the sign-in through a network failure and tries again shortly', async () => {
    const store = new CredentialStore();
    const refresh = vi
      .fn<() => Promise<AuthResult>>()
      .mockRejectedValueOnce(new TypeError('Failed to fetch'))
      .mockResolvedValue(result('after outage'));
    const renewal = new TokenRenewal({ store, refresh, tabs: tabPair()[0], retryAfterMs: 5_000 });
    renewal.accept(result('before', 30_000));
    await vi.advanceTimersByTimeAsync(24_000);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(store.token()).toBe('before');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(refresh).toHaveBeenCalledTimes(2);
    expect(store.token()).toBe('after outage');
    renewal.dispose();
  });
});
