// The sidebar's chats: grouped by day and month, filtered by the search box, and
// loading older ones as the list scrolls.
import { type KeyboardEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react';
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
  const nav = useRef<HTMLElement>(null);
  const [focusId, setFocusId] = useState<string | null>(null);
  const [refocusId, setRefocusId] = useState<string | null>(null);

  // After a rename, focus returns to the renamed chat once it has re-rendered.
  useEffect(() => {
    if (!refocusId) return;
    const row = nav.current?.querySelector(`[data-session="${refocusId}"]`);
    const link = row?.querySelector<HTMLElement>('.session__open');
    if (link) {
      setRefocusId(null);
      link.focus();
    }
  });

  const groups = useMemo(() => {
    const needle = filter.trim().toLocaleLowerCase();
    const sessions = flattenSessions(list.data);
    return groupSessions(
      needle ? sessions.filter((s) => s.title.toLocaleLowerCase().includes(needle)) : sessions,
    );
  }, [list.data, filter]);

  const shown = groups.flatMap((g) => g.sessions);
  const tabStop =
    shown.find((s) => s.id === focusId)?.id ??
    shown.find((s) => s.id === activeId)?.id ??
    shown[0]?.id;

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
    <nav
      ref={nav}
      className="session-list"
      aria-label="Chats"
      aria-describedby="session-list-keys"
      onKeyDown={moveFocus}
      onFocus={(e) => {
        const id = e.target.closest<HTMLElement>('[data-session]')?.dataset.session;
        if (id) setFocusId(id);
      }}
    >
      <p id="session-list-keys" className="visually-hidden">
        Arrow keys move between chats and their buttons. F2 renames a chat, Delete moves it to the
        Trash.
      </p>
      {groups.map((group) => (
        <section key={group.label} aria-label={group.label}>
          <h2 className="session-list__heading">{group.label}</h2>
          <ul>
            {group.sessions.map((s) => (
              <SessionItem
                key={s.id}
                session={s}
                active={s.id === activeId}
                tabbable={s.id === tabStop}
                onEditEnd={(session) => {
                  setRefocusId(session.id);
                  setFocusId(session.id);
                }}
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

/**
 * Arrow keys within the chat list (one Tab stop for all of it): Up/Down/Home/End
 * move between chats, Left/Right between a chat and its buttons.
 */
function moveFocus(e: KeyboardEvent<HTMLElement>) {
  const target = e.target as HTMLElement;
  const row = target.closest<HTMLElement>('[data-session]');
  if (!row || target.tagName === 'INPUT') return;
  const links = [...e.currentTarget.querySelectorAll<HTMLElement>('.session__open')];
  const link = row.querySelector<HTMLElement>('.session__open');
  const at = link ? links.indexOf(link) : -1;
  let next: HTMLElement | null | undefined;
  if (e.key === 'ArrowDown') next = links[Math.min(at + 1, links.length - 1)];
  else if (e.key === 'ArrowUp') next = links[Math.max(at - 1, 0)];
  else if (e.key === 'Home') next = links[0];
  else if (e.key === 'End') next = links[links.length - 1];
  else if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
    const inRow = [...row.querySelectorAll<HTMLElement>('.session__open, button')];
    const i = inRow.indexOf(target) + (e.key === 'ArrowRight' ? 1 : -1);
    next = inRow[Math.max(0, Math.min(i, inRow.length - 1))];
  } else return;
  e.preventDefault();
  next?.focus();
}
