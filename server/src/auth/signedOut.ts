// Devices signed out one by one. Each access token names the refresh family it
// was issued with, and signing out revokes that family, so the device's access
// token stops working at once instead of at its expiry. What a family's
// revocation document says is reused for a few seconds per process, as callers'
// records are (auth/callers.ts): one `_id` lookup per family in that time. A
// sign-out here is known at once; one in another process arrives over the bus
// with the user's change (auth/users.ts), or within those seconds.
import type { Database } from '../db/database';
import type { EventBus } from '../realtime/bus';
import { userChangedChannel } from './callers';

export class SignedOutFamilies {
  /** A family known signed out stays so; one known signed in is asked again after `ttlMs`. */
  private readonly known = new Map<string, { signedOut: boolean; until: number }>();

  constructor(
    private readonly db: Database,
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  async isSignedOut(family: string): Promise<boolean> {
    const hit = this.known.get(family);
    if (hit && (hit.signedOut || hit.until > Date.now())) return hit.signedOut;
    const revoked = await this.db.revokedFamilies.findOne(
      { _id: family },
      { projection: { _id: 1 } },
    );
    this.remember(family, revoked !== null);
    return revoked !== null || this.known.get(family)?.signedOut === true;
  }

  signedOut(family: string): void {
    this.remember(family, true);
  }

  /** Listens for sign-outs in other processes; returns the unsubscribe function. */
  follow(bus: EventBus): Promise<() => void> {
    return bus.subscribe(userChangedChannel, (payload) => {
      const family = (payload as { family?: unknown } | null)?.family;
      if (typeof family === 'string') this.signedOut(family);
      else if (typeof (payload as { userId?: unknown } | null)?.userId !== 'string') {
        // Events may have been missed: what was known signed in is asked again.
        for (const [key, entry] of this.known) if (!entry.signedOut) this.known.delete(key);
      }
    });
  }

  private remember(family: string, signedOut: boolean): void {
    // A lookup that raced a sign-out must not undo it.
    if (this.known.get(family)?.signedOut) return;
    if (this.ttlMs <= 0 && !signedOut) return;
    this.known.delete(family);
    if (this.known.size >= this.maxEntries) {
      const oldest = this.known.keys().next().value;
      if (oldest !== undefined) this.known.delete(oldest);
    }
    this.known.set(family, { signedOut, until: Date.now() + this.ttlMs });
  }
}
