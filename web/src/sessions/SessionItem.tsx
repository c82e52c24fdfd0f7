// One chat in the sidebar: opens on click, renames in place (Enter saves, Escape
// cancels), and moves to the Trash. In the list's roving focus only one chat's link
// is a Tab stop; its buttons are reached with the arrow keys (see SessionList).
import { limits } from '@parley/shared';
import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { ChatExportButton } from '../portability/lazy';
import type { Session } from '../trpc/types';
import { Icon } from '../ui/Icon';

interface SessionItemProps {
  session: Session;
  active: boolean;
  onOpen: (session: Session) => void;
  onRename: (session: Session, title: string) => void;
  onDelete: (session: Session) => void;
  /** Whether this chat's link is the list's one Tab stop. */
  tabbable: boolean;
  /** Renaming ended from the keyboard: focus goes back to this chat. */
  onEditEnd: (session: Session) => void;
}

export function SessionItem(props: SessionItemProps) {
  const { session, active, onOpen, onRename, onDelete, tabbable, onEditEnd } = props;
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(session.title);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (editing) input.current?.select();
  }, [editing]);

  const startEditing = () => {
    setDraft(session.title);
    setEditing(true);
  };
  const finish = (save: boolean) => {
    if (!editing) return;
    setEditing(false);
    if (save) onRename(session, draft);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter' || e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      finish(e.key === 'Enter');
      onEditEnd(session);
    }
  };

  return (
    <li className={`session${active ? ' session--active' : ''}`} data-session={session.id}>
      {editing ? (
        <input
          ref={input}
          className="session__rename"
          aria-label="Chat title"
          value={draft}
          maxLength={limits.titleMax}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={onKeyDown}
          onBlur={() => finish(true)}
        />
      ) : (
        <>
          <a
            className="session__open"
            href={`/c/${session.id}`}
            aria-current={active ? 'page' : undefined}
            tabIndex={tabbable ? 0 : -1}
            onClick={(e) => {
              if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
              e.preventDefault();
              onOpen(session);
            }}
            onDoubleClick={startEditing}
            onKeyDown={(e) => {
              if (e.key === 'F2') startEditing();
              if (e.key === 'Delete') onDelete(session);
            }}
            title={session.title}
          >
            {session.title}
          </a>
          <span className="session__actions">
            <button
              type="button"
              className="icon-button"
              tabIndex={-1}
              aria-label={`Rename “${session.title}”`}
              onClick={startEditing}
            >
              <Icon name="pencil" size={16} />
            </button>
            <ChatExportButton sessionId={session.id} title={session.title} />
            <button
              type="button"
              className="icon-button"
              tabIndex={-1}
              aria-label={`Delete “${session.title}”`}
              onClick={() => onDelete(session)}
            >
              <Icon name="trash" size={16} />
            </button>
          </span>
        </>
      )}
    </li>
  );
}
