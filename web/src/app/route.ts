// The app's addresses: / (and the seed's /chat-ui) for the start page, /c/<id> for
// a conversation, /trash for deleted chats, /archived for archived ones. History API only: the server answers
// index.html for all of them.
import { useCallback, useSyncExternalStore } from 'react';

export type Route =
  | { view: 'home' }
  | { view: 'chat'; sessionId: string }
  | { view: 'trash' }
  | { view: 'archived' };

export function parseRoute(pathname: string): Route {
  const chat = /^\/c\/([0-9a-f]{24})\/?$/.exec(pathname);
  if (chat?.[1]) return { view: 'chat', sessionId: chat[1] };
  if (/^\/trash\/?$/.test(pathname)) return { view: 'trash' };
  if (/^\/archived\/?$/.test(pathname)) return { view: 'archived' };
  return { view: 'home' };
}

export function routePath(route: Route): string {
  if (route.view === 'chat') return `/c/${route.sessionId}`;
  if (route.view === 'trash') return '/trash';
  if (route.view === 'archived') return '/archived';
  return '/';
}

const listeners = new Set<() => void>();

/** Tells the readers of the history entry it changed: pushState and replaceState fire no event. */
export function historyChanged(): void {
  for (const l of listeners) l();
}

/** Follows the history entry: Back and Forward, and the app's own changes. */
export function onHistoryChange(listener: () => void) {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

export function navigate(route: Route, replace = false): void {
  const path = routePath(route);
  if (path === window.location.pathname) return;
  if (replace) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  historyChanged();
}

export function useRoute(): [Route, (route: Route, replace?: boolean) => void] {
  const pathname = useSyncExternalStore(onHistoryChange, () => window.location.pathname);
  const route = useRouteMemo(pathname);
  return [route, useCallback(navigate, [])];
}

let memo: { pathname: string; route: Route } | null = null;
function useRouteMemo(pathname: string): Route {
  if (memo?.pathname !== pathname) memo = { pathname, route: parseRoute(pathname) };
  return memo.route;
}
