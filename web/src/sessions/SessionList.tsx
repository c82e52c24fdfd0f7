// The sidebar's chats: grouped by day and month, filtered by the search box, and
// loading older ones as the list scrolls.
import { useCallback, useMemo, useRef } from 'react';
import { navigate } from '../app/route';
import { describeError } from '../trpc/errors';
import { Spinner } from '../ui/Spinner';
import { useOnVisible } from '../ui/useOnVisible';
import { groupSessions } from './groupSessions';
import { useSessionList } from './queries';
import { SessionItem } from './SessionItem';
import { flattenSessions } from './sessionCache';
import { useSessionActions } from './useSessionActions';

interface SessionListProps {
  activeId: string | null;
  filter: string;
  onOpened: () => void;
}

export function SessionList({ activeId, filter, onOpened }: SessionListProps) {
  const list = useSessionList(false);
  const { rename, remove } = useSessionActions();
  const sentinel = useRef<HTMLLIElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;
  const loadMore = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  useOnVisible(sentinel, loadMore, Boolean(hasNextPage));

  const groups = useMemo(() => {
    const needle = filter.trim().toLocaleLowerCase();
    const sessions = flattenSessions(list.data);
    return groupSessions(
      needle ? sessions.filter((s) => s.title.toLocaleLowerCase().includes(needle)) : sessions,
    );
  }, [list.data, filter]);

  if (list.isPending) {
    return (
      <div className="sidebar__state">
        <Spinner label="Loading chats" />
      </div>
    );
  }
  if (list.isError) {
    return (
      <div className="sidebar__state" role="alert">
        <p>{describeError(list.error)}</p>
        <button type="button" className="button" onClick={() => void list.refetch()}>
          Try again
        </button>
      </div>
    );
  }
  if (groups.length === 0) {
    return (
      <p className="sidebar__state">
        {filter.trim() ? `No chats match “${filter.trim()}”.` : 'No chats yet. Start one above.'}
      </p>
    );
  }

  return (
    <nav className="session-list" aria-label="Chats">
      {groups.map((group) => (
        <section key={group.label} aria-label={group.label}>
          <h2 className="session-list__heading">{group.label}</h2>
          <ul>
            {group.sessions.map((s) => (
              <SessionItem
                key={s.id}
                session={s}
                active={s.id === activeId}
                onOpen={(session) => {
                  navigate({ view: 'chat', sessionId: session.id });
                  onOpened();
                }}
                onRename={(session, title) => void rename(session, title)}
                onDelete={(session) => {
                  const open = session.id === activeId;
                  if (open) navigate({ view: 'home' });
                  void remove(session, open);
                }}
              />
            ))}
          </ul>
        </section>
      ))}
      <ul aria-hidden={!hasNextPage}>
        <li ref={sentinel} className="session-list__more">
          {isFetchingNextPage && <Spinner label="Loading more chats" />}
          {hasNextPage && !isFetchingNextPage && (
            <button type="button" className="link" onClick={loadMore}>
              Load more
            </button>
          )}
        </li>
      </ul>
    </nav>
  );
}
