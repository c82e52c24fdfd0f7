// The sidebar: new chat, the chat filter, the chats and folders, the Archive, the Trash
// and the account.
import type { Ref } from 'react';
import { navigate, type Route } from '../app/route';
import { useAuth } from '../auth/AuthContext';
import { ConnectionStatus } from '../ui/ConnectionStatus';
import { Icon } from '../ui/Icon';
import { modKey } from '../ui/modKey';
import { useLiveState } from '../ui/useLiveState';
import { SessionList } from './SessionList';
import { useSessionChanges } from './useSessionChanges';

interface SidebarProps {
  route: Route;
  filter: string;
  onFilter: (value: string) => void;
  searchRef: Ref<HTMLInputElement>;
  onNewChat: () => void;
  onNavigated: () => void;
}

export function Sidebar({
  route,
  filter,
  onFilter,
  searchRef,
  onNewChat,
  onNavigated,
}: SidebarProps) {
  const { user, signOut } = useAuth();
  const live = useLiveState(useSessionChanges());
  const activeId = route.view === 'chat' ? route.sessionId : null;

  return (
    <div className="sidebar__inner">
      <div className="sidebar__top">
        <a
          className="brand"
          href="/"
          onClick={(e) => {
            e.preventDefault();
            navigate({ view: 'home' });
            onNavigated();
          }}
        >
          <span className="brand__mark" aria-hidden="true">
            P
          </span>
          Parley
        </a>
        <button
          type="button"
          className="button button--primary new-chat"
          onClick={onNewChat}
          title={`New chat (${modKey}+Shift+O)`}
          aria-keyshortcuts="Control+Shift+O Meta+Shift+O"
        >
          <Icon name="plus" /> New Chat
        </button>
        <div className="search">
          <Icon name="search" size={16} />
          <input
            ref={searchRef}
            type="search"
            placeholder="Search chats"
            aria-label={`Search chats (${modKey}+K)`}
            aria-keyshortcuts="Control+K Meta+K"
            value={filter}
            onChange={(e) => onFilter(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                onFilter('');
                e.currentTarget.blur();
              }
            }}
          />
          {!filter && <kbd className="search__kbd">{modKey} K</kbd>}
        </div>
      </div>
      <SessionList activeId={activeId} filter={filter} onOpened={onNavigated} />
      <div className="sidebar__bottom">
        <div className="sidebar__links">
          {(['archived', 'trash'] as const).map((view) => (
            <a
              key={view}
              className={`sidebar__link${route.view === view ? ' sidebar__link--active' : ''}`}
              href={`/${view}`}
              aria-current={route.view === view ? 'page' : undefined}
              onClick={(e) => {
                e.preventDefault();
                navigate({ view });
                onNavigated();
              }}
            >
              <Icon name={view === 'trash' ? 'trash' : 'archive'} size={16} />{' '}
              {view === 'trash' ? 'Trash' : 'Archived'}
            </a>
          ))}
        </div>
        <div className="account">
          <span className="account__avatar" aria-hidden="true">
            {user?.username.slice(0, 1).toUpperCase()}
          </span>
          <span className="account__name" title={user?.username}>
            {user?.username}
          </span>
          <ConnectionStatus state={live} compact />
          <button
            type="button"
            className="icon-button"
            aria-label="Sign out"
            title="Sign out"
            onClick={() => void signOut()}
          >
            <Icon name="logout" size={16} />
          </button>
        </div>
      </div>
    </div>
  );
}
