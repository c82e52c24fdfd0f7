// The sidebar's chats: pinned ones first (wherever they are filed), then the
// folders, then the chats in no folder grouped by day and month; filtered by the search box, loading older ones
// as the list scrolls, with a selection for acting on several at once.
import { type KeyboardEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { navigate } from '../app/route';
import type { Session } from '../trpc/types';
import { LoadFailed } from '../ui/LoadFailed';
import { Spinner } from '../ui/Spinner';
import { useLoadMore } from '../ui/useOnVisible';
import { ChatRow, ChatRowContext, type RowContext } from './ChatRow';
import { dropTarget, Folders } from './Folders';
import { sidebarSections } from './groupSessions';
import { liveListInput, useSessionList } from './queries';
import { SelectionBar } from './SelectionBar';
import { SelectionContext, useSelectionState } from './selection';
import { flattenSessions } from './sessionCache';
import { useFolderList } from './useFolders';
import { useOrganise } from './useOrganise';
import { useSessionActions } from './useSessionActions';
import './organise.css';

interface SessionListProps {
  activeId: string | null;
  filter: string;
  onOpened: () => void;
}

export function SessionList({ activeId, filter, onOpened }: SessionListProps) {
  const list = useSessionList(liveListInput);
  const folderList = useFolderList();
  const folders = folderList.data?.items ?? [];
  const { rename, remove } = useSessionActions();
  const { update, bulk } = useOrganise();
  const selection = useSelectionState();
  const { sentinel, more } = useLoadMore<HTMLLIElement>(list);
  const { hasNextPage, isFetchingNextPage } = list;
  const nav = useRef<HTMLElement>(null);
  const [focusId, setFocusId] = useState<string | null>(null);
  const [refocusId, setRefocusId] = useState<string | null>(null);
  const [dropOver, setDropOver] = useState(false);

  // After a rename, focus returns to the renamed chat once it has re-rendered (and
  // after a chat goes to the Trash, it moves to its neighbour).
  useEffect(() => {
    if (!refocusId) return;
    const row = nav.current?.querySelector(`[data-session="${refocusId}"]`);
    const link = row?.querySelector<HTMLElement>('.session__open');
    if (link) {
      setRefocusId(null);
      link.focus();
    }
  });

  const { pinned, groups } = useMemo(() => {
    const needle = filter.trim().toLocaleLowerCase();
    const all = flattenSessions(list.data).filter(
      (s) => !needle || s.title.toLocaleLowerCase().includes(needle),
    );
    return sidebarSections(all);
  }, [list.data, filter]);

  const shown = useMemo(() => [...pinned, ...groups.flatMap((g) => g.sessions)], [pinned, groups]);
  const tabStop =
    shown.find((s) => s.id === focusId)?.id ??
    shown.find((s) => s.id === activeId)?.id ??
    shown[0]?.id ??
    null;

  /** The chats shown, in the order on screen (folders' open lists included). */
  const rows = useCallback(
    () =>
      [...(nav.current?.querySelectorAll<HTMLElement>('[data-session]') ?? [])].map(
        (el) => el.dataset.session ?? '',
      ),
    [],
  );
  /**
   * Focus on a chat going to the Trash moves to the chat after it, or the one before
   * when it was the last, or New Chat when none is left, instead of falling to the page.
   */
  const focusPast = (id: string) => {
    const row = nav.current?.querySelector(`[data-session="${id}"]`);
    const active = document.activeElement;
    if (active !== document.body && !row?.contains(active)) return;
    const others = rows();
    const at = others.indexOf(id);
    const next =
      others.slice(at + 1).find((other) => other !== id) ??
      others.slice(0, Math.max(at, 0)).findLast((other) => other !== id);
    if (next) {
      setRefocusId(next);
      setFocusId(next);
    } else {
      document.querySelector<HTMLElement>('.sidebar .new-chat')?.focus();
    }
  };
  const moveIds = useCallback(
    (ids: string[], folderId: string | null) => {
      const known = new Map(selection.sessions().map((s) => [s.id, s]));
      for (const s of shown) known.set(s.id, s);
      const sessions = ids.map((id) => known.get(id)).filter((s): s is Session => Boolean(s));
      if (sessions.length) bulk.mutate({ sessions, action: 'move', folderId });
      selection.clear();
    },
    [selection, shown, bulk],
  );

  const ctx: RowContext = {
    activeId,
    tabStop,
    folders,
    rows,
    open: (session) => {
      navigate({ view: 'chat', sessionId: session.id });
      onOpened();
    },
    rename: (session, title) => void rename(session, title),
    remove: (session) => {
      focusPast(session.id);
      const open = session.id === activeId;
      if (open) navigate({ view: 'home' });
      void remove(session, open);
    },
    pin: (session) => update.mutate({ session, change: { pinned: !session.pinned } }),
    archive: (session) =>
      bulk.mutate({ sessions: [session], action: session.archived ? 'unarchive' : 'archive' }),
    move: (session, folderId) => bulk.mutate({ sessions: [session], action: 'move', folderId }),
    editEnded: (session) => {
      setRefocusId(session.id);
      setFocusId(session.id);
    },
  };

  if (list.isPending) {
    return (
      <div className="sidebar__state">
        <Spinner label="Loading chats" />
      </div>
    );
  }
  if (list.isError) {
    return (
      <LoadFailed
        className="sidebar__state"
        error={list.error}
        onRetry={() => void list.refetch()}
      />
    );
  }

  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    const target = e.target as HTMLElement;
    if (target.tagName !== 'INPUT' && (e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'a') {
      e.preventDefault();
      selection.selectAll(rows());
      return;
    }
    if (e.key === 'Escape' && selection.ids.size) {
      e.preventDefault();
      selection.clear();
      return;
    }
    moveFocus(e);
  };

  return (
    <SelectionContext.Provider value={selection}>
      <ChatRowContext.Provider value={ctx}>
        {selection.ids.size > 0 && <SelectionBar folders={folders} />}
        <nav
          ref={nav}
          className="session-list"
          aria-label="Chats"
          aria-describedby="session-list-keys"
          onKeyDown={onKeyDown}
          onFocus={(e) => {
            const id = e.target.closest<HTMLElement>('[data-session]')?.dataset.session;
            if (id) setFocusId(id);
          }}
        >
          <p id="session-list-keys" className="visually-hidden">
            Arrow keys move between chats and their buttons. F2 renames a chat, Delete moves it to
            the Trash, the More actions button pins, archives or moves it. Ctrl+A selects every chat
            shown, Escape clears the selection.
          </p>
          {pinned.length > 0 && (
            <section aria-label="Pinned">
              <h2 className="session-list__heading">Pinned</h2>
              <ul>
                {pinned.map((s) => (
                  <ChatRow key={s.id} session={s} />
                ))}
              </ul>
            </section>
          )}
          <Folders
            folders={folders}
            filter={filter}
            onDropChats={moveIds}
            tabbable={tabStop === null}
          />
          <div
            className={`session-list__loose${dropOver ? ' session-list__loose--over' : ''}`}
            {...dropTarget((ids) => moveIds(ids, null), setDropOver)}
          >
            {groups.length === 0 && pinned.length === 0 && (
              <p className="sidebar__state">
                {filter.trim()
                  ? `No chats match “${filter.trim()}”.`
                  : 'No chats yet. Start one above.'}
              </p>
            )}
            {groups.map((group) => (
              <section key={group.label} aria-label={group.label}>
                <h2 className="session-list__heading">{group.label}</h2>
                <ul>
                  {group.sessions.map((s) => (
                    <ChatRow key={s.id} session={s} />
                  ))}
                </ul>
              </section>
            ))}
          </div>
          <ul aria-hidden={!hasNextPage}>
            <li ref={sentinel} className="session-list__more">
              {isFetchingNextPage && <Spinner label="Loading more chats" />}
              {hasNextPage && !isFetchingNextPage && (
                <button type="button" className="link" onClick={more}>
                  Load more
                </button>
              )}
            </li>
          </ul>
        </nav>
      </ChatRowContext.Provider>
    </SelectionContext.Provider>
  );
}

const chatLinks = (list: HTMLElement) => [...list.querySelectorAll<HTMLElement>('.session__open')];

/**
 * Arrow keys within the chat list (one Tab stop for all of it): Up/Down move between
 * chats and folders, Home/End to the first and last chat, Left/Right between a chat
 * (or folder) and its buttons.
 */
function moveFocus(e: KeyboardEvent<HTMLElement>) {
  const target = e.target as HTMLElement;
  const row = target.closest<HTMLElement>('[data-session], [data-row]');
  if (!row || target.tagName === 'INPUT') return;
  const heads = '.session__open, .folder__toggle, .folders__new';
  const links = [...e.currentTarget.querySelectorAll<HTMLElement>(heads)];
  const link = row.querySelector<HTMLElement>(heads);
  const at = link ? links.indexOf(link) : -1;
  let next: HTMLElement | null | undefined;
  if (e.key === 'ArrowDown') next = links[Math.min(at + 1, links.length - 1)];
  else if (e.key === 'ArrowUp') next = links[Math.max(at - 1, 0)];
  // Home and End go to the first and last chat, past the folders.
  else if (e.key === 'Home') next = chatLinks(e.currentTarget)[0];
  else if (e.key === 'End') next = chatLinks(e.currentTarget).at(-1);
  else if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
    const inRow = [...row.querySelectorAll<HTMLElement>('.session__open, button')].filter(
      (el) => !el.closest('[role="menu"]'),
    );
    const i = inRow.indexOf(target) + (e.key === 'ArrowRight' ? 1 : -1);
    next = inRow[Math.max(0, Math.min(i, inRow.length - 1))];
  } else return;
  e.preventDefault();
  next?.focus();
}
