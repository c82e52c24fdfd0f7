// The Trash: deleted chats, newest first, each with Restore.
import { useCallback, useRef } from 'react';
import { navigate } from '../app/route';
import { useDocumentTitle } from '../app/useDocumentTitle';
import { describeError } from '../trpc/errors';
import { Icon } from '../ui/Icon';
import { MainHeader } from '../ui/MainHeader';
import { Spinner } from '../ui/Spinner';
import { useOnVisible } from '../ui/useOnVisible';
import { useSessionList } from './queries';
import { flattenSessions } from './sessionCache';
import { useSessionActions } from './useSessionActions';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function TrashView({ onMenu }: { onMenu: () => void }) {
  const list = useSessionList(true);
  const { restore } = useSessionActions();
  useDocumentTitle('Trash');
  const sentinel = useRef<HTMLLIElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;
  const more = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  useOnVisible(sentinel, more, Boolean(hasNextPage));
  const sessions = flattenSessions(list.data);

  return (
    <section className="main" aria-label="Trash">
      <MainHeader title="Trash" onMenu={onMenu} />
      {list.isPending ? (
        <div className="state">
          <Spinner label="Loading the Trash" />
        </div>
      ) : list.isError ? (
        <div className="state" role="alert">
          <p>{describeError(list.error)}</p>
          <button type="button" className="button" onClick={() => void list.refetch()}>
            Try again
          </button>
        </div>
      ) : sessions.length === 0 ? (
        <div className="state state--empty">
          <Icon name="trash" size={32} />
          <p>The Trash is empty.</p>
        </div>
      ) : (
        <div className="trash">
          <ul className="trash__list" aria-label="Deleted chats">
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
                  {s.deletedAt && ` · deleted ${dateFormat.format(s.deletedAt)}`}
                </span>
                <button
                  type="button"
                  className="button button--small"
                  aria-label={`Restore “${s.title}”`}
                  onClick={() => void restore(s)}
                >
                  <Icon name="restore" size={16} /> Restore
                </button>
              </li>
            ))}
            <li ref={sentinel} className="trash__more" aria-hidden="true">
              {isFetchingNextPage && <Spinner label="Loading more" />}
            </li>
          </ul>
        </div>
      )}
    </section>
  );
}
