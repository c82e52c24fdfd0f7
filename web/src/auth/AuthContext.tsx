// The sign-in as React sees it: checking (first load), signed in, signed out, or
// unable to reach the server. Stays signed in across reloads through auth.refresh.
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  useSyncExternalStore,
} from 'react';
import type { Runtime } from '../app/runtime';
import { authClient } from '../trpc/authClient';
import type { AuthResult, User } from '../trpc/types';
import { toCredentials } from './renewal';

export type AuthStatus = 'checking' | 'signedIn' | 'signedOut' | 'unreachable';

interface AuthValue {
  status: AuthStatus;
  user: User | null;
  signedIn(result: AuthResult): void;
  signOut(): Promise<void>;
  retry(): void;
  /** The access token for requests outside tRPC (downloads, uploads); `renew` first after a 401. */
  accessToken(renew?: boolean): Promise<string | null>;
}

const AuthContext = createContext<AuthValue | null>(null);

export function useAuth(): AuthValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth needs an AuthProvider');
  return value;
}

export function AuthProvider({ runtime, children }: { runtime: Runtime; children: ReactNode }) {
  const { store, renewal, queryClient } = runtime;
  const credentials = useSyncExternalStore(store.subscribe, () => store.get());
  const [phase, setPhase] = useState<'checking' | 'ready' | 'unreachable'>('checking');

  const check = useCallback(() => {
    setPhase('checking');
    renewal.renew().then(
      () => setPhase('ready'),
      () => setPhase('unreachable'),
    );
  }, [renewal]);

  useEffect(() => {
    check();
    const onVisible = () => document.visibilityState === 'visible' && renewal.renewIfStale();
    document.addEventListener('visibilitychange', onVisible);
    window.addEventListener('online', onVisible);
    return () => {
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener('online', onVisible);
    };
  }, [check, renewal]);

  const userId = credentials?.user.id;
  useEffect(() => {
    // A different person (or nobody) now: nothing cached for the last one may show.
    if (userId === undefined) queryClient.clear();
  }, [userId, queryClient]);

  const value = useMemo<AuthValue>(() => {
    let status: AuthStatus = credentials ? 'signedIn' : 'signedOut';
    if (!credentials && phase !== 'ready') status = phase;
    return {
      status,
      user: credentials?.user ?? null,
      signedIn: (result) => {
        renewal.accept(toCredentials(result));
        setPhase('ready');
      },
      signOut: async () => {
        await authClient.auth.logout.mutate().catch(() => undefined);
        renewal.signedOut(true, true);
      },
      retry: check,
      accessToken: async (renew = false) => {
        if (renew) await renewal.renew();
        return store.token();
      },
    };
  }, [credentials, phase, renewal, check, store]);

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
