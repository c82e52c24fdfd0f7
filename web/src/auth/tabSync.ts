// Tabs of one browser share the refresh cookie, so they share renewals too: one
// tab renews under a lock and tells the others the new access token.
import type { Credentials } from './credentials';

export type TabMessage =
  | { kind: 'credentials'; credentials: Credentials }
  /** `byPerson`: the person signed out (not an expired sign-in): every tab forgets their data. */
  | { kind: 'signedOut'; byPerson?: boolean };

export interface TabSync {
  post(message: TabMessage): void;
  onMessage(handler: (message: TabMessage) => void): () => void;
  /** Runs `task` while no other tab of this origin runs one under the same lock. */
  exclusive<T>(task: () => Promise<T>): Promise<T>;
}

export function browserTabSync(name = 'parley-auth'): TabSync {
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(name) : null;
  return {
    post: (message) => channel?.postMessage(message),
    onMessage(handler) {
      const listener = (e: MessageEvent<TabMessage>) => handler(e.data);
      channel?.addEventListener('message', listener);
      return () => channel?.removeEventListener('message', listener);
    },
    exclusive<T>(task: () => Promise<T>): Promise<T> {
      const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
      return locks ? (locks.request(`${name}-refresh`, task) as Promise<T>) : task();
    },
  };
}
