// Keeps the access token fresh: renews it shortly before expiry, on demand after
// an UNAUTHORIZED answer, and once per browser at a time across tabs.
import { errorCode } from '../trpc/errors';
import type { AuthResult } from '../trpc/types';
import type { CredentialStore, Credentials } from './credentials';
import { needsRenewal, renewalDelayMs } from './renewalSchedule';
import type { TabSync } from './tabSync';

export type RenewOutcome = 'renewed' | 'signedOut';

export interface RenewalDeps {
  store: CredentialStore;
  /** auth.refresh with the httpOnly cookie. */
  refresh: () => Promise<AuthResult>;
  tabs: TabSync;
  now?: () => number;
  /** Wait after a renewal that failed for a reason other than the sign-in itself. */
  retryAfterMs?: number;
  /**
   * What this browser keeps of a person who signed out (drafts, unsent messages),
   * forgotten in every tab once its screens have closed.
   */
  forget?: (userId: string) => void;
}

export function toCredentials(result: AuthResult): Credentials {
  return {
    user: result.user,
    accessToken: result.accessToken,
    accessTokenExpiresAt: result.accessTokenExpiresAt,
  };
}

function isSignInRefused(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'UNAUTHORIZED' || code === 'FORBIDDEN';
}

export class TokenRenewal {
  private inFlight: Promise<RenewOutcome> | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly stopListening: () => void;

  constructor(private readonly deps: RenewalDeps) {
    this.stopListening = deps.tabs.onMessage((message) => {
      if (message.kind === 'credentials') this.accept(message.credentials, false);
      else this.signedOut(false, message.byPerson === true);
    });
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  /** Adopts credentials from a sign-in or a renewal and schedules the next renewal. */
  accept(credentials: Credentials, announce = true): void {
    this.deps.store.set(credentials);
    this.schedule(renewalDelayMs(credentials.accessTokenExpiresAt, this.now()));
    if (announce) this.deps.tabs.post({ kind: 'credentials', credentials });
  }

  /** `byPerson`: the Sign out button, not an expired sign-in: the person's data here is forgotten. */
  signedOut(announce = true, byPerson = false): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const owner = this.deps.store.get()?.user.id;
    if (owner === undefined && !announce) return;
    this.deps.store.set(null);
    if (announce) this.deps.tabs.post({ kind: 'signedOut', byPerson });
    const { forget } = this.deps;
    // After the screens close: a draft is saved as its box unmounts.
    if (byPerson && owner !== undefined && forget) setTimeout(() => forget(owner), 0);
  }

  /** Renews now; concurrent callers share one request. Network failures reject. */
  renew(): Promise<RenewOutcome> {
    this.inFlight ??= this.renewExclusively().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  /** Renews if the token is missing its chance: after sleep, or a throttled background timer. */
  renewIfStale(): void {
    const current = this.deps.store.get();
    if (current && needsRenewal(current.accessTokenExpiresAt, this.now())) {
      this.renew().catch(() => this.schedule(this.deps.retryAfterMs ?? 10_000));
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.stopListening();
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.renew().catch(() => this.schedule(this.deps.retryAfterMs ?? 10_000));
    }, delayMs);
  }

  private async renewExclusively(): Promise<RenewOutcome> {
    const before = this.deps.store.token();
    return this.deps.tabs.exclusive(async () => {
      const current = this.deps.store.get();
      // Another tab renewed while this one waited for the lock: use its token.
      if (
        current &&
        current.accessToken !== before &&
        !needsRenewal(current.accessTokenExpiresAt, this.now())
      ) {
        return 'renewed';
      }
      try {
        this.accept(toCredentials(await this.deps.refresh()));
        return 'renewed';
      } catch (error) {
        if (!isSignInRefused(error)) throw error;
        this.signedOut();
        return 'signedOut';
      }
    });
  }
}
