// The signed-in layout: sidebar beside the main panel on wide screens, a drawer on
// narrow ones; the main panel shows the start page, a chat, or the Trash.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useAuth } from '../auth/AuthContext';
import { Conversation } from '../chat/Conversation';
import { OutboxProvider } from '../chat/OutboxProvider';
import { Sidebar } from '../sessions/Sidebar';
import { TrashView } from '../sessions/TrashView';
import { useSessionActions } from '../sessions/useSessionActions';
import { HomeView } from './HomeView';
import { useRoute } from './route';
import { useShortcuts } from './useShortcuts';

export function Shell() {
  const [route] = useRoute();
  const [drawerOpen, setDrawerOpen] = useState(false);
  const [filter, setFilter] = useState('');
  const search = useRef<HTMLInputElement>(null);
  const { create } = useSessionActions();
  const { user } = useAuth();

  const openDrawer = useCallback(() => {
    setDrawerOpen(true);
    // The drawer becomes visible on the next frame: move focus into it then.
    requestAnimationFrame(() => document.querySelector<HTMLElement>('.sidebar .new-chat')?.focus());
  }, []);
  const closeDrawer = useCallback(() => setDrawerOpen(false), []);
  const newChat = useCallback(() => {
    setDrawerOpen(false);
    void create();
  }, [create]);
  const focusSearch = useCallback(() => {
    setDrawerOpen(true);
    requestAnimationFrame(() => search.current?.focus());
  }, []);
  useShortcuts({ newChat, search: focusSearch });

  useEffect(() => {
    if (!drawerOpen) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setDrawerOpen(false);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [drawerOpen]);

  return (
    <OutboxProvider owner={user?.id}>
      <div className={`shell${drawerOpen ? ' shell--drawer-open' : ''}`}>
        <aside className="sidebar" aria-label="Chats and account">
          <Sidebar
            route={route}
            filter={filter}
            onFilter={setFilter}
            searchRef={search}
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
        {route.view === 'chat' ? (
          <Conversation key={route.sessionId} sessionId={route.sessionId} onMenu={openDrawer} />
        ) : route.view === 'trash' ? (
          <TrashView onMenu={openDrawer} />
        ) : (
          <HomeView onNewChat={newChat} onMenu={openDrawer} />
        )}
      </div>
    </OutboxProvider>
  );
}
