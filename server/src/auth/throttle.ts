// Login throttling: failed attempts per username and per client address in a
// sliding window, checked before bcrypt runs. In memory, per process.
import { TRPCError } from '@trpc/server';
import { RetryAfter } from '../trpc/retryAfter';

interface Window {
  hits: number[];
}

export class LoginThrottle {
  private readonly byName = new Map<string, Window>();
  private readonly byAddress = new Map<string, Window>();

  constructor(
    private readonly opts: { windowMs: number; perUsername: number; perAddress: number },
  ) {}

  private prune(map: Map<string, Window>, key: string, now: number): Window {
    let w = map.get(key);
    if (!w) {
      w = { hits: [] };
      map.set(key, w);
    }
    const from = now - this.opts.windowMs;
    while (w.hits.length > 0 && (w.hits[0] ?? 0) <= from) w.hits.shift();
    return w;
  }

  /**
   * Counts an attempt before any password is checked (so calls running together,
   * as in one batch, all count), or refuses when the window is full.
   */
  begin(username: string, address: string): void {
    const now = Date.now();
    const name = this.prune(this.byName, username, now);
    const addr = this.prune(this.byAddress, address, now);
    const full =
      name.hits.length >= this.opts.perUsername
        ? name
        : addr.hits.length >= this.opts.perAddress
          ? addr
          : null;
    if (full) {
      const oldest = full.hits[0] ?? now;
      const seconds = Math.max(1, Math.ceil((oldest + this.opts.windowMs - now) / 1000));
      throw new TRPCError({
        code: 'TOO_MANY_REQUESTS',
        message: `Too many failed attempts. Try again in ${seconds} seconds.`,
        cause: new RetryAfter(seconds),
      });
    }
    name.hits.push(now);
    addr.hits.push(now);
    this.sweep(now);
  }

  /** A successful login forgives that username's attempts. */
  succeeded(username: string, address: string): void {
    this.byName.delete(username);
    const addr = this.byAddress.get(address);
    addr?.hits.pop();
  }

  private lastSweep = 0;
  private sweep(now: number): void {
    if (now - this.lastSweep < this.opts.windowMs) return;
    this.lastSweep = now;
    for (const map of [this.byName, this.byAddress]) {
      for (const [key, w] of map) {
        if ((w.hits.at(-1) ?? 0) <= now - this.opts.windowMs) map.delete(key);
      }
    }
  }
}
