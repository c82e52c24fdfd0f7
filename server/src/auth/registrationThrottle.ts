// Sign-up limits, per client address for a window and per process per minute,
// checked before any database or bcrypt work. Every admitted sign-up counts, the
// "That username is taken" answers too (so names cannot be probed for free); one
// that ends for another reason (bad password, busy server) gives its place back.
// In memory; processes behind one Redis tell each other the sign-ups they count
// per address (throttleSharing.ts). The per-minute limit stays each process's own:
// it guards that process's bcrypt work.
import { Refusal } from '../lib/refusal';
import { RetryAfter } from '../lib/retryAfter';

export interface RegistrationLimits {
  windowMs: number;
  perAddress: number;
  /** Sign-ups per minute across all addresses, in this process. */
  perMinute: number;
}

/** One admitted sign-up: it counts unless abandoned. */
export interface RegistrationAttempt {
  abandoned(): void;
}

const minuteMs = 60_000;

/** A sign-up counted here (or given back), for the other processes to count too. */
export interface SignUpCount {
  kind: 'counted' | 'abandoned';
  address: string;
  at: number;
}

export class RegistrationThrottle {
  /** Told of each sign-up counted here and each one given back (throttleSharing.ts). */
  onCount: ((c: SignUpCount) => void) | null = null;
  /** When each counted sign-up began, oldest first; at most `perAddress` each. */
  private readonly byAddress = new Map<string, number[]>();
  private readonly all: number[] = [];

  constructor(private readonly opts: RegistrationLimits) {}

  private static prune(times: number[], from: number): void {
    while (times.length > 0 && (times[0] ?? 0) <= from) times.shift();
  }

  private static refusal(oldest: number, windowMs: number, now: number, what: string) {
    const seconds = Math.max(1, Math.ceil((oldest + windowMs - now) / 1000));
    return new Refusal({
      code: 'TOO_MANY_REQUESTS',
      message: `Too many sign-ups ${what}. Try again in ${seconds} seconds.`,
      cause: new RetryAfter(seconds),
    });
  }

  /** Admits a sign-up, or throws TOO_MANY_REQUESTS with how long to wait. */
  begin(address: string): RegistrationAttempt {
    const now = Date.now();
    this.sweep(now);
    const mine = this.byAddress.get(address) ?? [];
    RegistrationThrottle.prune(mine, now - this.opts.windowMs);
    RegistrationThrottle.prune(this.all, now - minuteMs);
    if (mine.length >= this.opts.perAddress) {
      throw RegistrationThrottle.refusal(
        mine[0] ?? now,
        this.opts.windowMs,
        now,
        'from your address',
      );
    }
    if (this.all.length >= this.opts.perMinute) {
      throw RegistrationThrottle.refusal(this.all[0] ?? now, minuteMs, now, 'right now');
    }
    mine.push(now);
    this.all.push(now);
    this.byAddress.set(address, mine);
    this.onCount?.({ kind: 'counted', address, at: now });
    let ended = false;
    return {
      abandoned: () => {
        if (ended) return;
        ended = true;
        this.giveBack(address, now, true);
        this.onCount?.({ kind: 'abandoned', address, at: now });
      },
    };
  }

  private giveBack(address: string, at: number, own: boolean): void {
    const mine = this.byAddress.get(address);
    for (const times of own ? [mine, this.all] : [mine]) {
      const i = times?.lastIndexOf(at) ?? -1;
      if (i >= 0) times?.splice(i, 1);
    }
    if (mine?.length === 0) this.byAddress.delete(address);
  }

  /** Counts a sign-up another process counted (or gave back) against its address. */
  count(c: SignUpCount): void {
    const now = Date.now();
    if (c.kind === 'abandoned') {
      this.giveBack(c.address, c.at, false);
      return;
    }
    if (c.at <= now - this.opts.windowMs) return;
    // Another machine's clock may run ahead: nothing counts from later than now.
    const at = Math.min(c.at, now);
    this.sweep(now);
    const times = this.byAddress.get(c.address) ?? [];
    let i = times.length;
    while (i > 0 && (times[i - 1] ?? 0) > at) i--;
    times.splice(i, 0, at);
    // Bounded, with room for processes that admitted sign-ups before hearing of each other's.
    while (times.length > this.opts.perAddress * 4) times.shift();
    this.byAddress.set(c.address, times);
  }

  /** Sign-ups counted in the window, every address (for tests and health). */
  counted(): number {
    const from = Date.now() - this.opts.windowMs;
    let n = 0;
    for (const times of this.byAddress.values()) n += times.filter((t) => t > from).length;
    return n;
  }

  private lastSweep = 0;
  /** Addresses whose window has passed leave the map (its size is bounded by perMinute). */
  private sweep(now: number): void {
    if (now - this.lastSweep < minuteMs) return;
    this.lastSweep = now;
    for (const [address, times] of this.byAddress) {
      if ((times.at(-1) ?? 0) <= now - this.opts.windowMs) this.byAddress.delete(address);
    }
  }
}
