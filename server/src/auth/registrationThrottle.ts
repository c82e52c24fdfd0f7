// Sign-up limits, per client address for a window and per process per minute,
// checked before any database or bcrypt work. Every admitted sign-up counts, the
// "That username is taken" answers too (so names cannot be probed for free); one
// that ends for another reason (bad password, busy server) gives its place back.
// In memory, per process.
import { TRPCError } from '@trpc/server';
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

export class RegistrationThrottle {
  /** When each counted sign-up began, oldest first; at most `perAddress` each. */
  private readonly byAddress = new Map<string, number[]>();
  private readonly all: number[] = [];

  constructor(private readonly opts: RegistrationLimits) {}

  private static prune(times: number[], from: number): void {
    while (times.length > 0 && (times[0] ?? 0) <= from) times.shift();
  }

  private static refusal(oldest: number, windowMs: number, now: number, what: string) {
    const seconds = Math.max(1, Math.ceil((oldest + windowMs - now) / 1000));
    return new TRPCError({
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
    let ended = false;
    return {
      abandoned: () => {
        if (ended) return;
        ended = true;
        for (const times of [mine, this.all]) {
          const i = times.lastIndexOf(now);
          if (i >= 0) times.splice(i, 1);
        }
        if (mine.length === 0 && this.byAddress.get(address) === mine)
          this.byAddress.delete(address);
      },
    };
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
