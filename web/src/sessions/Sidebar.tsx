// The sidebar: new chat, search, the chats and folders, the Archive, the Trash and
// the account.
import { navigate, type Route } from '../app/route';
import { useAuth } from '../auth/AuthContext';
import { AccountDataButton } from '../portability/lazy';
import { ConnectionStatus } from '../ui/ConnectionStatus';
import { Icon } from '../ui/Icon';
import { modKey } from '../ui/modKey';
import { useLiveState } from '../ui/useLiveState';
import { SessionList } from './SessionList';
import { useSessionChanges } from './useSessionChanges';
import { useSignOut } from './useSignOut';

interface SidebarProps {
  route: Route;
  /** Opens the search box (Ctrl/⌘+K). */
  onSearch: () => void;
  onNewChat: () => void;
  onNavigated: () => void;
}

export function Sidebar({ route, onSearch, onNewChat, onNavigated }: SidebarProps) {
  const { user } = useAuth();
  const { signOut, question } = useSignOut();
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
        <button
          type="button"
          className="search search--button"
          onClick={onSearch}
          title={`Search chats and messages (${modKey}+K)`}
          aria-keyshortcuts="Control+K Meta+K"
        >
          <Icon name="search" size={16} />
          <span className="search__placeholder">Search</span>
          <kbd className="search__kbd">{modKey} K</kbd>
        </button>
      </div>
      <SessionList activeId={activeId} filter="" onOpened={onNavigated} />
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
          {/* One Tab stop; the arrow keys move between its buttons. */}
          <div
            className="account__tools"
            role="toolbar"
            aria-label="Account"
            onKeyDown={(e) => {
              if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
              const buttons = [...e.currentTarget.querySelectorAll('button')];
              const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
              const next =
                buttons[(at + (e.key === 'ArrowRight' ? 1 : -1) + buttons.length) % buttons.length];
              e.preventDefault();
              next?.focus();
            }}
          >
            <AccountDataButton tabIndex={-1} />
            <button
              type="button"
              className="icon-button"
              aria-label="Sign out"
              title="Sign out"
              onClick={signOut}
            >
              <Icon name="logout" size={16} />
            </button>
          </div>
        </div>
      </div>
      {question}
    </div>
  );
}
