// The signed-in state of a script: the access token and the refresh credential,
// held in memory only. Scripts have no cookie jar, so they ask for the refresh
// credential in the body (refreshTransport 'body') and rotate it here. One
// refresh at a time: a refresh credential is single-use, and presenting a used
// one revokes its whole family.
import type { AuthResult, User } from '@parley/shared';

export interface AuthCalls {
  login(input: {
    username: string;
    password: string;
    refreshTransport: 'body';
  }): Promise<AuthResult>;
  refresh(input: { refreshToken: string }): Promise<AuthResult>;
  logout(input: { refreshToken?: string }): Promise<unknown>;
}

export interface CredentialsOptions {
  username?: string | undefined;
  password?: string | undefined;
  /** Renew the access token this long before it expires (default 30 s, at most a quarter of its life). */
  refreshLeewayMs?: number | undefined;
}

export class Credentials {
  /** The token and when to renew it: shortly before it expires. */
  private access: { token: string; renewAt: number } | null = null;
  private refreshToken: string | null = null;
  private pending: Promise<void> | null = null;
  private username: string | undefined;
  private password: string | undefined;
  private readonly leewayMs: number;
  user: User | null = null;

  constructor(
    private readonly auth: AuthCalls,
    opts: CredentialsOptions,
  ) {
    this.username = opts.username;
    this.password = opts.password;
    this.leewayMs = opts.refreshLeewayMs ?? 30_000;
  }

  private keep(result: AuthResult): void {
    const expiresAt = result.accessTokenExpiresAt.getTime();
    // Renew at most a quarter of the token's life early, so short-lived tokens still get used.
    const early = Math.min(this.leewayMs, (expiresAt - Date.now()) / 4);
    this.access = { token: result.accessToken, renewAt: expiresAt - early };
    this.refreshToken = result.refreshToken ?? this.refreshToken;
    this.user = result.user;
  }

  /** Runs one sign-in step at a time; callers arriving meanwhile share it. */
  private once(step: () => Promise<void>): Promise<void> {
    this.pending ??= step().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  /** Waits for a sign-in step in flight, whatever its outcome. */
  private async settled(): Promise<void> {
    await this.pending?.catch(() => {});
  }

  async login(username = this.username, password = this.password): Promise<User> {
    if (!username || !password)
      throw new Error('Parley client: a username and password are needed to log in.');
    await this.settled();
    this.username = username;
    this.password = password;
    await this.once(async () => {
      this.keep(await this.auth.login({ username, password, refreshTransport: 'body' }));
    });
    return this.user as User;
  }

  /** Trades the refresh credential for a new access token; logs in again if it is gone. */
  renew(): Promise<void> {
    return this.once(async () => {
      const presented = this.refreshToken;
      if (presented) {
        try {
          this.keep(await this.auth.refresh({ refreshToken: presented }));
          return;
        } catch (e) {
          this.refreshToken = null;
          if (!this.username || !this.password) throw e;
        }
      }
      if (!this.username || !this.password) return;
      this.keep(
        await this.auth.login({
          username: this.username,
          password: this.password,
          refreshTransport: 'body',
        }),
      );
    });
  }

  /** True when a new access token can be had without asking the user. */
  canRenew(): boolean {
    return (
      this.refreshToken !== null || (this.username !== undefined && this.password !== undefined)
    );
  }

  /** Forgets the access token so the next call renews it (after an UNAUTHORIZED answer). */
  expire(): void {
    this.access = null;
  }

  /** A valid access token, renewed first when it is missing or about to expire; null if signed out. */
  async token(): Promise<string | null> {
    await this.settled();
    if (!this.access || Date.now() >= this.access.renewAt) {
      if (this.canRenew()) await this.renew();
    }
    return this.access?.token ?? null;
  }

  async logout(): Promise<void> {
    await this.settled();
    const presented = this.refreshToken;
    this.access = null;
    this.refreshToken = null;
    this.user = null;
    this.username = undefined;
    this.password = undefined;
    if (presented) await this.auth.logout({ refreshToken: presented });
  }
}
