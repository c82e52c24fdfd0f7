// Login throttling, checked before bcrypt runs (OWASP ASVS V2.2: throttle without
// enabling lockout). Hard limits count per (username, address) and per address:
// failures for a sliding window, and attempts in flight while they run (so calls
// in one batch cannot slip past), a correct login giving its place back. Failures
// for a username from anywhere never refuse it: past a few they slow each of its
// attempts by a growing, capped delay, so no one can lock the owner out.
// In memory; processes behind one Redis tell each other their failures
// (throttleSharing.ts), attempts in flight staying each process's own.
import { Refusal } from '../lib/refusal';
import { RetryAfter } from '../lib/retryAfter';

interface Window {
  /** When each failure in the window happened, oldest first. */
  failures: number[];
  inFlight: number;
}

/** One login attempt admitted by the throttle; end it exactly once. */
export interface LoginAttempt {
  /** How long to wait before checking the password: its name is under attack. */
  readonly delayMs: number;
  /** Wrong credentials: counts against the name, the address and the pair for the window. */
  failed(): void;
  /** Right credentials: forgives the pair's failures. */
  succeeded(): void;
  /** Ended for another reason (the database or bcrypt was busy): counts for nothing. */
  abandoned(): void;
}

export interface LoginThrottleLimits {
  windowMs: number;
  /** Failures (and attempts in flight) of one name from one address before it is refused. */
  perUsernameAndAddress: number;
  /** Failures (and attempts in flight) from one address, any names, before it is refused. */
  perAddress: number;
  /** Failures of one name, any addresses, before its attempts are delayed. */
  slowAfter: number;
  /** The first delay, doubled with each further failure, up to maxDelayMs. */
  delayMs: number;
  maxDelayMs: number;
}

/** A failure or a correct login counted here, for the other processes to count too. */
export interface LoginOutcome {
  kind: 'failed' | 'succeeded';
  username: string;
  address: string;
  at: number;
}

export class LoginThrottle {
  /** Told of each failure and correct login counted here (throttleSharing.ts). */
  onOutcome: ((o: LoginOutcome) => void) | null = null;
  private readonly byName = new Map<string, Window>();
  private readonly byPair = new Map<string, Window>();
  private readonly byAddress = new Map<string, Window>();
  /** A name keeps no more failures than it takes to reach the longest delay. */
  private readonly nameFailuresKept: number;

  constructor(private readonly opts: LoginThrottleLimits) {
    const doublings = Math.ceil(
      Math.log2(Math.max(1, opts.maxDelayMs / Math.max(1, opts.delayMs))),
    );
    this.nameFailuresKept = opts.slowAfter + doublings + 1;
  }

  private window(map: Map<string, Window>, key: string, now: number): Window {
    let w = map.get(key);
    if (!w) {
      w = { failures: [], inFlight: 0 };
      map.set(key, w);
    }
    const from = now - this.opts.windowMs;
    while (w.failures.length > 0 && (w.failures[0] ?? 0) <= from) w.failures.shift();
    return w;
  }

  private refuse(w: Window | undefined, limit: number, now: number): Refusal | null {
    if (!w) return null;
    if (w.failures.length >= limit) {
      const oldest = w.failures[0] ?? now;
      const seconds = Math.max(1, Math.ceil((oldest + this.opts.windowMs - now) / 1000));
      return new Refusal({
        code: 'TOO_MANY_REQUESTS',
        message: `Too many failed attempts. Try again in ${seconds} seconds.`,
        cause: new RetryAfter(seconds),
      });
    }
    if (w.failures.length + w.inFlight >= limit) {
      return new Refusal({
        code: 'TOO_MANY_REQUESTS',
        message: 'Too many sign-ins at once. Try again in a moment.',
        cause: new RetryAfter(1),
      });
    }
    return null;
  }

  private delayFor(failures: number): number {
    const { slowAfter, delayMs, maxDelayMs } = this.opts;
    if (failures < slowAfter) return 0;
    return Math.min(maxDelayMs, delayMs * 2 ** Math.min(failures - slowAfter, 30));
  }

  /** Admits an attempt, or throws TOO_MANY_REQUESTS when the pair or the address is at its limit. */
  begin(username: string, address: string): LoginAttempt {
    const now = Date.now();
    const pairKey = `${username}\u0000${address}`;
    const seen = (map: Map<string, Window>, key: string) =>
      map.has(key) ? this.window(map, key, now) : undefined;
    const refusal =
      this.refuse(seen(this.byPair, pairKey), this.opts.perUsernameAndAddress, now) ??
      this.refuse(seen(this.byAddress, address), this.opts.perAddress, now);
    if (refusal) throw refusal;
    const name = this.window(this.byName, username, now);
    const pair = this.window(this.byPair, pairKey, now);
    const addr = this.window(this.byAddress, address, now);
    const counted = [
      [this.byName, username, name],
      [this.byPair, pairKey, pair],
      [this.byAddress, address, addr],
    ] as const;
    for (const [, , w] of counted) w.inFlight++;
    this.sweep(now);
    let ended = false;
    const end = (then: () => void) => {
      if (ended) return;
      ended = true;
      for (const [, , w] of counted) w.inFlight--;
      then();
      // A window that no longer counts anything leaves its map.
      for (const [map, key, w] of counted) {
        if (w.failures.length === 0 && w.inFlight === 0 && map.get(key) === w) map.delete(key);
      }
    };
    return {
      delayMs: this.delayFor(name.failures.length),
      failed: () =>
        end(() => {
          const at = Date.now();
          for (const [, , w] of counted) w.failures.push(at);
          if (name.failures.length > this.nameFailuresKept) name.failures.shift();
          this.onOutcome?.({ kind: 'failed', username, address, at });
        }),
      succeeded: () =>
        end(() => {
          pair.failures = [];
          this.onOutcome?.({ kind: 'succeeded', username, address, at: Date.now() });
        }),
      abandoned: () => end(() => {}),
    };
  }

  /** Counts what another process counted: a failure, or a correct login forgiving the pair. */
  count(o: LoginOutcome): void {
    const now = Date.now();
    const pairKey = `${o.username}\u0000${o.address}`;
    if (o.kind === 'succeeded') {
      // Only the failures before it: a report can arrive after newer ones.
      const pair = this.byPair.get(pairKey);
      if (pair) pair.failures = pair.failures.filter((t) => t > o.at);
      return;
    }
    if (o.at <= now - this.opts.windowMs) return;
    const at = Math.min(o.at, now);
    for (const [map, key, kept] of [
      [this.byName, o.username, this.nameFailuresKept],
      [this.byPair, pairKey, this.opts.perUsernameAndAddress],
      [this.byAddress, o.address, this.opts.perAddress],
    ] as const) {
      const w = this.window(map, key, now);
      // Oldest first, as the windows expect: a late report goes in its place.
      let i = w.failures.length;
      while (i > 0 && (w.failures[i - 1] ?? 0) > at) i--;
      w.failures.splice(i, 0, at);
      // Past its limit a window refuses anyway: the newest failures are all it needs.
      while (w.failures.length > kept) w.failures.shift();
    }
    this.sweep(now);
  }

  /** Failures of the name in the window, from anywhere (for tests and health). */
  failuresOf(username: string): number {
    return this.byName.has(username)
      ? this.window(this.byName, username, Date.now()).failures.length
      : 0;
  }

  private lastSweep = 0;
  private sweep(now: number): void {
    if (now - this.lastSweep < this.opts.windowMs) return;
    this.lastSweep = now;
    for (const map of [this.byName, this.byPair, this.byAddress]) {
      for (const [key, w] of map) {
        if (w.inFlight === 0 && (w.failures.at(-1) ?? 0) <= now - this.opts.windowMs) {
          map.delete(key);
        }
      }
    }
  }
}

/**
 * Runs a throttled attempt's work. A throw abandons the attempt (nothing if it has
 * ended already) unless `counts` says the error counts against it all the same.
 */
export async function withinAttempt<T>(
  attempt: { abandoned(): void },
  work: () => Promise<T>,
  counts: (error: unknown) => boolean = () => false,
): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (!counts(e)) attempt.abandoned();
    throw e;
  }
}
