// One chat in the sidebar: opens on click, renames in place (Enter saves, Escape
// cancels), and moves to the Trash.
import { limits } from '@parley/shared';
import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import type { Session } from '../trpc/types';
import { Icon } from '../ui/Icon';

interface SessionItemProps {
  session: Session;
  active: boolean;
  onOpen: (session: Session) => void;
  onRename: (session: Session, title: string) => void;
  onDelete: (session: Session) => void;
}

export function SessionItem({ session, active, onOpen, onRename, onDelete }: SessionItemProps) {
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
    if (e.key === 'Enter') {
      e.preventDefault();
      finish(true);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      finish(false);
    }
  };

  return (
    <li className={`session${active ? ' session--active' : ''}`}>
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
            onClick={(e) => {
              if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
              e.preventDefault();
              onOpen(session);
            }}
            onDoubleClick={startEditing}
            onKeyDown={(e) => {
              if (e.key === 'F2') startEditing();
            }}
            title={session.title}
          >
            {session.title}
          </a>
          <span className="session__actions">
            <button
              type="button"
              className="icon-button"
              aria-label={`Rename “${session.title}”`}
              onClick={startEditing}
            >
              <Icon name="pencil" size={16} />
            </button>
            <button
              type="button"
              className="icon-button"
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
