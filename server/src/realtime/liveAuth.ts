// Streams outlive the request that opened them: re-check the caller's token every
// config.live.authRecheckMs and at its expiry, and end the stream with UNAUTHORIZED
// once it has expired or been revoked (a new token version, a deleted user). A
// sign-out everywhere makes the check due at once (LiveStreams.userChanged).

import { authenticate } from '../auth/authenticate';
import { Refusal } from '../lib/refusal';
import type { Services } from '../services';
import type { Viewer } from './viewer';

/** The token's expiry in ms (already verified when the stream opened), or Infinity. */
export function expiryOf(token: string): number {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());
    return typeof payload.exp === 'number' ? payload.exp * 1000 : Number.POSITIVE_INFINITY;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

export class LiveAuth {
  private readonly token: string | null;
  private readonly expiresAt: number;
  private nextCheck: number;

  constructor(
    private readonly services: Services,
    private readonly viewer: Viewer,
    private readonly everyMs: number,
  ) {
    // A caller that named its user directly (tests, server-side callers) has no token to re-check.
    this.token = viewer.accessToken;
    this.expiresAt = this.token ? expiryOf(this.token) : Number.POSITIVE_INFINITY;
    this.nextCheck = this.token ? Date.now() + everyMs : Number.POSITIVE_INFINITY;
  }

  /** Brings the next check forward to within `ms` (0: at once); the user may have been signed out. */
  dueWithin(ms: number): void {
    if (this.token) this.nextCheck = Math.min(this.nextCheck, Date.now() + Math.random() * ms);
  }

  msUntilDue(): number {
    return Math.min(this.nextCheck, this.expiresAt) - Date.now();
  }

  async checkIfDue(): Promise<void> {
    if (!this.token || this.msUntilDue() > 0) return;
    this.nextCheck = Date.now() + this.everyMs;
    const user = await authenticate(this.services, this.token);
    if (!user._id.equals(this.viewer.user._id)) {
      throw new Refusal({ code: 'UNAUTHORIZED', message: 'Please sign in again.' });
    }
  }
}
