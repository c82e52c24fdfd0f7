// The signed-in person and their access token, in memory only (never in storage a
// script could read). Everything that needs the token reads it from here.
import type { User } from '../trpc/types';

export interface Credentials {
  user: User;
  accessToken: string;
  accessTokenExpiresAt: Date;
}

type Listener = () => void;

export class CredentialStore {
  private current: Credentials | null = null;
  private readonly listeners = new Set<Listener>();

  get(): Credentials | null {
    return this.current;
  }

  token(): string | null {
    return this.current?.accessToken ?? null;
  }

  set(next: Credentials | null): void {
    this.current = next;
    for (const l of this.listeners) l();
  }

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}
