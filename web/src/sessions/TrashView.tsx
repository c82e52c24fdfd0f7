// The Trash and the Archive: deleted (or archived) chats, newest first. The Trash
// restores a chat, deletes one for good, or empties itself, each deletion behind
// a confirmation that says how many chats go; the Archive unarchives. Both load
// only when opened (see Shell), so they cost the first load nothing. Focus on a
// chat that leaves the list moves to the same button on the chat in its place (or
// the one before), or to the empty list's message, never to the page.
import { useEffect, useRef, useState } from 'react';
import { navigate } from '../app/route';
import { useDocumentTitle } from '../app/useDocumentTitle';
import type { Session } from '../trpc/types';
import { Icon } from '../ui/Icon';
import { LoadFailed } from '../ui/LoadFailed';
import { MainHeader } from '../ui/MainHeader';
import { Spinner } from '../ui/Spinner';
import { useLoadMore } from '../ui/useOnVisible';
import { chats } from './bulkNotice';
import { ConfirmDialog } from './ConfirmDialog';
import { archivedListInput, trashListInput, useSessionList } from './queries';
import { flattenSessions } from './sessionCache';
import { useOrganise } from './useOrganise';
import { useSessionActions } from './useSessionActions';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

type Asked = { kind: 'one'; session: Session } | { kind: 'all'; count: number };
/** Where focus goes once a chat (or, with no id, every chat) has left the list. */
type Refocus = { id: string | null; at: number; action: string };

export function TrashView({ onMenu, archive = false }: { onMenu: () => void; archive?: boolean }) {
  const title = archive ? 'Archived' : 'Trash';
  const list = useSessionList(archive ? archivedListInput : trashListInput);
  const { restore } = useSessionActions();
  const { purge, emptyTrash, bulk } = useOrganise();
  const [asked, setAsked] = useState<Asked | null>(null);
  useDocumentTitle(title);
  const { sentinel } = useLoadMore<HTMLLIElement>(list);
  const { hasNextPage, isFetchingNextPage } = list;
  const sessions = flattenSessions(list.data);
  // Every trashed chat, loaded or not: the index knows them all, the list pages them.
  const total = hasNextPage ? `${sessions.length}+` : String(sessions.length);
  const view = useRef<HTMLElement>(null);
  const refocus = useRef<Refocus | null>(null);
  const leaving = (session: Session | null, action: string) => {
    const at = session ? sessions.indexOf(session) : 0;
    refocus.current = { id: session?.id ?? null, at, action };
  };
  // When the chat has gone and taken focus with it, focus the chat now in its place.
  useEffect(() => {
    const wanted = refocus.current;
    if (!wanted) return;
    if (wanted.id ? sessions.some((s) => s.id === wanted.id) : sessions.length > 0) return;
    refocus.current = null;
    if (document.activeElement && document.activeElement !== document.body) return;
    const items = view.current?.querySelectorAll('.trash__item') ?? [];
    const item = items[Math.min(wanted.at, items.length - 1)];
    const target =
      item?.querySelector<HTMLElement>(`[data-action="${wanted.action}"]`) ??
      view.current?.querySelector<HTMLElement>('.state');
    target?.focus();
  });

  return (
    <section className="main" aria-label={title} ref={view}>
      <MainHeader title={title} onMenu={onMenu} />
      {!archive && sessions.length > 0 && (
        <div className="trash__bar">
          <button
            type="button"
            className="button button--small button--danger"
            onClick={() => setAsked({ kind: 'all', count: sessions.length })}
          >
            <Icon name="trash" size={16} /> Empty trash
          </button>
        </div>
      )}
      {list.isPending ? (
        <div className="state">
          <Spinner label={`Loading ${archive ? 'the archive' : 'the Trash'}`} />
        </div>
      ) : list.isError ? (
        <LoadFailed className="state" error={list.error} onRetry={() => void list.refetch()} />
      ) : sessions.length === 0 ? (
        <div className="state state--empty" tabIndex={-1}>
          <Icon name={archive ? 'archive' : 'trash'} size={32} />
          <p>{archive ? 'No archived chats.' : 'The Trash is empty.'}</p>
        </div>
      ) : (
        <div className="trash">
          <ul className="trash__list" aria-label={archive ? 'Archived chats' : 'Deleted chats'}>
            {sessions.map((s) => (
              <li key={s.id} className="trash__item">
                <a
                  className="trash__title"
                  href={`/c/${s.id}`}
                  onClick={(e) => {
                    e.preventDefault();
                    navigate({ view: 'chat', sessionId: s.id });
                  }}
                >
                  {s.title}
                </a>
                <span className="trash__meta">
                  {s.messageCount} {s.messageCount === 1 ? 'message' : 'messages'}
                  {!archive && s.deletedAt && ` · deleted ${dateFormat.format(s.deletedAt)}`}
                </span>
                <span className="trash__actions">
                  {archive ? (
                    <button
                      type="button"
                      className="button button--small"
                      aria-label={`Unarchive “${s.title}”`}
                      data-action="unarchive"
                      onClick={() => {
                        leaving(s, 'unarchive');
                        bulk.mutate({ sessions: [s], action: 'unarchive' });
                      }}
                    >
                      <Icon name="archive" size={16} /> Unarchive
                    </button>
                  ) : (
                    <>
                      <button
                        type="button"
                        className="button button--small"
                        aria-label={`Restore “${s.title}”`}
                        data-action="restore"
                        onClick={() => {
                          leaving(s, 'restore');
                          void restore(s);
                        }}
                      >
                        <Icon name="restore" size={16} /> Restore
                      </button>
                      <button
                        type="button"
                        className="button button--small button--danger"
                        aria-label={`Delete forever “${s.title}”`}
                        data-action="purge"
                        onClick={() => setAsked({ kind: 'one', session: s })}
                      >
                        Delete forever
                      </button>
                    </>
                  )}
                </span>
              </li>
            ))}
            <li ref={sentinel} className="trash__more" aria-hidden="true">
              {isFetchingNextPage && <Spinner label="Loading more" />}
            </li>
          </ul>
        </div>
      )}
      {asked && (
        <ConfirmDialog
          title={asked.kind === 'all' ? 'Empty the Trash?' : 'Delete forever?'}
          body={
            asked.kind === 'all'
              ? `${hasNextPage ? `All ${total}` : chats(asked.count)} in the Trash will be deleted for good, with their messages. This cannot be undone.`
              : `1 chat, “${asked.session.title}”, will be deleted for good, with its messages. This cannot be undone.`
          }
          confirm={asked.kind === 'all' ? 'Empty trash' : 'Delete forever'}
          onCancel={() => setAsked(null)}
          onConfirm={() => {
            leaving(asked.kind === 'all' ? null : asked.session, 'purge');
            if (asked.kind === 'all') emptyTrash.mutate(sessions);
            else purge.mutate(asked.session);
            setAsked(null);
          }}
        />
      )}
    </section>
  );
}

export function ArchivedView({ onMenu }: { onMenu: () => void }) {
  return <TrashView onMenu={onMenu} archive />;
}
