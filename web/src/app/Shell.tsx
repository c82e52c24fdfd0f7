// The signed-in layout: sidebar beside the main panel on wide screens, a drawer on
// narrow ones; the main panel shows the start page, a chat, or the Trash.
import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import { useAuth } from '../auth/AuthContext';
import { OutboxProvider } from '../chat/OutboxProvider';
import { OutboxResender } from '../chat/OutboxResender';
import { SearchSeed } from '../search/SearchSeed';
import { Sidebar } from '../sessions/Sidebar';
import { useSessionActions } from '../sessions/useSessionActions';
import { HomeView } from './HomeView';
import { useRoute } from './route';
import { useDrawerFocus } from './useDrawerFocus';
import { useNarrow } from './useNarrow';
import { useShortcuts } from './useShortcuts';

/** A chat: fetched as soon as the app starts (or a chat opens), not with the first page. */
const loadConversation = () => import('../chat/Conversation');
const Conversation = lazy(() => loadConversation().then((m) => ({ default: m.Conversation })));
/** The search box: out of the first visit's JavaScript, fetched once the app is idle. */
const loadSearch = () => import('../search/SearchDialog');
const SearchDialog = lazy(loadSearch);
// Rarely opened: loaded on first visit, so the first load carries none of them.
const TrashView = lazy(() =>
  import('../sessions/TrashView').then((m) => ({ default: m.TrashView })),
);
const ArchivedView = lazy(() =>
  import('../sessions/TrashView').then((m) => ({ default: m.ArchivedView })),
);

export function Shell() {
  const [route] = useRoute();
  const [drawerOpen, setDrawerOpen] = useState(false);
  const [searching, setSearching] = useState(false);
  /** What is typed into the search box before its code has loaded. */
  const searchSeed = useRef('');
  const { create } = useSessionActions();
  const { user } = useAuth();

  const drawer = useRef<HTMLElement>(null);
  // Only on narrow screens is the sidebar a drawer over the chat.
  const narrow = useNarrow();
  const drawerShown = drawerOpen && narrow;
  const firstInDrawer = useCallback(
    () => drawer.current?.querySelector<HTMLElement>('.new-chat') ?? null,
    [],
  );
  useDrawerFocus(drawerShown, drawer, firstInDrawer);

  const openDrawer = useCallback(() => setDrawerOpen(true), []);
  const closeDrawer = useCallback(() => setDrawerOpen(false), []);
  const newChat = useCallback(() => {
    setDrawerOpen(false);
    void create();
  }, [create]);
  const openSearch = useCallback(() => {
    searchSeed.current = '';
    setDrawerOpen(false);
    setSearching(true);
  }, []);
  const closeSearch = useCallback(() => setSearching(false), []);
  useEffect(() => {
    // The chat view comes right behind the first page, whether or not a chat is open yet.
    void loadConversation().catch(() => {});
    // Ready before the first Ctrl+K, so no keystroke is typed into nothing.
    const t = setTimeout(() => void loadSearch().catch(() => {}), 2_000);
    return () => clearTimeout(t);
  }, []);
  useShortcuts({ newChat, search: openSearch });

  useEffect(() => {
    if (!drawerOpen) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setDrawerOpen(false);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [drawerOpen]);

  return (
    <OutboxProvider owner={user?.id}>
      <OutboxResender />
      <a className="skip-link" href="#main" inert={drawerShown}>
        Skip to main content
      </a>
      <div className={`shell${drawerOpen ? ' shell--drawer-open' : ''}`}>
        <aside ref={drawer} className="sidebar" aria-label="Chats and account">
          <Sidebar
            route={route}
            onSearch={openSearch}
            onNewChat={newChat}
            onNavigated={closeDrawer}
          />
        </aside>
        <button
          type="button"
          className="scrim"
          aria-label="Close chats"
          tabIndex={-1}
          onClick={closeDrawer}
        />
        <main id="main" className="shell__main" tabIndex={-1} inert={drawerShown}>
          {route.view === 'chat' ? (
            <Suspense fallback={null}>
              <Conversation key={route.sessionId} sessionId={route.sessionId} onMenu={openDrawer} />
            </Suspense>
          ) : route.view === 'trash' || route.view === 'archived' ? (
            <Suspense fallback={null}>
              {route.view === 'trash' ? (
                <TrashView onMenu={openDrawer} />
              ) : (
                <ArchivedView onMenu={openDrawer} />
              )}
            </Suspense>
          ) : (
            <HomeView onNewChat={newChat} onMenu={openDrawer} />
          )}
        </main>
      </div>
      {searching && (
        <Suspense fallback={<SearchSeed seed={searchSeed} onClose={closeSearch} />}>
          <SearchDialog onClose={closeSearch} seed={searchSeed} />
        </Suspense>
      )}
    </OutboxProvider>
  );
}
