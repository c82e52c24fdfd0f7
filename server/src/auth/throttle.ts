// Login throttling per username and per client address, checked before bcrypt
// runs. Failed attempts count for a sliding window; attempts still in flight count
// too (so calls running together, as in one batch, cannot slip past the limit), but
// only until they end: a correct login gives its place back. A refusal says which
// limit was met: failures (wait out the window) or too many at once (retry soon).
// In memory, per process.
import { TRPCError } from '@trpc/server';
import { RetryAfter } from '../trpc/retryAfter';

interface Window {
  /** When each failure in the window happened, oldest first. */
  failures: number[];
  inFlight: number;
}

/** One login attempt admitted by the throttle; end it exactly once. */
export interface LoginAttempt {
  /** Wrong credentials: counts against the name and the address for the window. */
  failed(): void;
  /** Right credentials: forgives the name's failures. */
  succeeded(): void;
  /** Ended for another reason (the database or bcrypt was busy): counts for nothing. */
  abandoned(): void;
}

export class LoginThrottle {
  private readonly byName = new Map<string, Window>();
  private readonly byAddress = new Map<string, Window>();

  constructor(
    private readonly opts: { windowMs: number; perUsername: number; perAddress: number },
  ) {}

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

  private refuse(w: Window, limit: number, now: number): TRPCError | null {
    if (w.failures.length >= limit) {
      const oldest = w.failures[0] ?? now;
      const seconds = Math.max(1, Math.ceil((oldest + this.opts.windowMs - now) / 1000));
      return new TRPCError({
        code: 'TOO_MANY_REQUESTS',
        message: `Too many failed attempts. Try again in ${seconds} seconds.`,
        cause: new RetryAfter(seconds),
      });
    }
    if (w.failures.length + w.inFlight >= limit) {
      return new TRPCError({
        code: 'TOO_MANY_REQUESTS',
        message: 'Too many sign-ins at once. Try again in a moment.',
        cause: new RetryAfter(1),
      });
    }
    return null;
  }

  /** Admits an attempt, or throws TOO_MANY_REQUESTS when the name or the address is at its limit. */
  begin(username: string, address: string): LoginAttempt {
    const now = Date.now();
    const name = this.window(this.byName, username, now);
    const addr = this.window(this.byAddress, address, now);
    const refusal =
      this.refuse(name, this.opts.perUsername, now) ?? this.refuse(addr, this.opts.perAddress, now);
    if (refusal) throw refusal;
    name.inFlight++;
    addr.inFlight++;
    this.sweep(now);
    let ended = false;
    const end = (then: () => void) => {
      if (ended) return;
      ended = true;
      name.inFlight--;
      addr.inFlight--;
      then();
      // A window that no longer counts anything leaves its map.
      for (const [map, key, w] of [
        [this.byName, username, name],
        [this.byAddress, address, addr],
      ] as const) {
        if (w.failures.length === 0 && w.inFlight === 0 && map.get(key) === w) map.delete(key);
      }
    };
    return {
      failed: () =>
        end(() => {
          const at = Date.now();
          name.failures.push(at);
          addr.failures.push(at);
        }),
      succeeded: () =>
        end(() => {
          name.failures = [];
        }),
      abandoned: () => end(() => {}),
    };
  }

  private lastSweep = 0;
  private sweep(now: number): void {
    if (now - this.lastSweep < this.opts.windowMs) return;
    this.lastSweep = now;
    for (const map of [this.byName, this.byAddress]) {
      for (const [key, w] of map) {
        if (w.inFlight === 0 && (w.failures.at(-1) ?? 0) <= now - this.opts.windowMs) {
          map.delete(key);
        }
      }
    }
  }
}
