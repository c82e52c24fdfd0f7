// One chat in the sidebar: opens on click, renames in place (Enter saves, Escape
// cancels; an empty title is refused with a message beside the field, which stays
// open, and leaving it empty keeps the old title and says so), has a menu (pin, archive, move, delete), a checkbox for selecting
// several, and drags onto a folder. In the list's roving focus only one chat's
// link is a Tab stop; its buttons are reached with the arrow keys (see SessionList).
import { limits } from '@parley/shared';
import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { ChatExportButton } from '../portability/lazy';
import type { Session } from '../trpc/types';
import { Icon } from '../ui/Icon';
import { IconButton } from '../ui/IconButton';
import { useToast } from '../ui/Toasts';
import { SessionMenu, type SessionMenuActions } from './SessionMenu';
import type { Folder } from './useFolders';

/** The drag payload: the ids of the chats being dragged, comma-separated. */
export const dragType = 'application/x-parley-sessions';

interface SessionItemProps extends SessionMenuActions {
  session: Session;
  active: boolean;
  folders: Folder[];
  selected: boolean;
  /** Some chat is selected: checkboxes show on every row. */
  selecting: boolean;
  onSelect: (session: Session, range: boolean) => void;
  /** The ids a drag of this chat carries (the selection, when it is part of it). */
  dragIds: (session: Session) => string[];
  onOpen: (session: Session) => void;
  onRename: (session: Session, title: string) => void;
  /** Whether this chat's link is the list's one Tab stop. */
  tabbable: boolean;
  /** Renaming ended from the keyboard: focus goes back to this chat. */
  onEditEnd: (session: Session) => void;
}

export function SessionItem(props: SessionItemProps) {
  const { session, active, onOpen, onRename, onDelete, tabbable, onEditEnd } = props;
  const { selected, selecting, onSelect, dragIds } = props;
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(session.title);
  const [emptyRefused, setEmptyRefused] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const errorId = useId();
  const toast = useToast();

  useEffect(() => {
    if (editing) input.current?.select();
  }, [editing]);

  const startEditing = () => {
    setDraft(session.title);
    setEmptyRefused(false);
    setEditing(true);
  };
  const empty = draft.trim() === '';
  const finish = (save: boolean) => {
    if (!editing) return;
    setEditing(false);
    if (!save) return;
    if (empty) toast({ text: `A chat needs a title: it is still “${session.title}”` });
    else onRename(session, draft);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter' || e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      if (e.key === 'Enter' && empty) {
        setEmptyRefused(true);
        return;
      }
      finish(e.key === 'Enter');
      onEditEnd(session);
    }
  };

  return (
    <li
      className={`session${active ? ' session--active' : ''}${selected ? ' session--selected' : ''}${selecting ? ' session--selecting' : ''}`}
      data-session={session.id}
      draggable={!editing}
      onDragStart={(e) => {
        e.dataTransfer.setData(dragType, dragIds(session).join(','));
        e.dataTransfer.effectAllowed = 'move';
      }}
    >
      {!editing && (
        // biome-ignore lint/a11y/useSemanticElements: a button joins the row's arrow-key focus, which an input would leave
        <button
          type="button"
          role="checkbox"
          aria-checked={selected}
          className="session__check"
          tabIndex={-1}
          aria-label={`Select “${session.title}”`}
          onClick={(e) => onSelect(session, e.shiftKey)}
        >
          {selected && <Icon name="check" size={14} />}
        </button>
      )}
      {editing ? (
        <div className="session__rename-field">
          <input
            ref={input}
            className="session__rename"
            aria-label="Chat title"
            aria-invalid={emptyRefused && empty ? true : undefined}
            aria-describedby={emptyRefused && empty ? errorId : undefined}
            value={draft}
            maxLength={limits.titleMax}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={onKeyDown}
            onBlur={() => finish(true)}
          />
          {emptyRefused && empty && (
            <p id={errorId} className="session__rename-error" role="alert">
              A chat needs a title. Esc keeps “{session.title}”.
            </p>
          )}
        </div>
      ) : (
        <>
          <a
            className="session__open"
            href={`/c/${session.id}`}
            aria-current={active ? 'page' : undefined}
            tabIndex={tabbable ? 0 : -1}
            onClick={(e) => {
              if (e.shiftKey && e.button === 0) {
                // Shift-click selects the range from the last chat selected.
                e.preventDefault();
                onSelect(session, true);
                return;
              }
              if (e.metaKey || e.ctrlKey || e.button !== 0) return;
              e.preventDefault();
              if (selecting) onSelect(session, false);
              else onOpen(session);
            }}
            onDoubleClick={startEditing}
            onKeyDown={(e) => {
              if (e.key === 'F2') startEditing();
              if (e.key === 'Delete') onDelete(session);
              if (e.key === ' ' && selecting) {
                e.preventDefault();
                onSelect(session, e.shiftKey);
              }
            }}
            title={session.title}
          >
            {session.pinned && (
              <span className="session__pin" role="img" aria-label="Pinned">
                <Icon name="pin" size={12} />
              </span>
            )}
            {session.title}
          </a>
          <span className="session__actions">
            <IconButton
              icon="pencil"
              label={`Rename “${session.title}”`}
              tabIndex={-1}
              onClick={startEditing}
            />
            <ChatExportButton sessionId={session.id} title={session.title} />
            <IconButton
              icon="trash"
              label={`Delete “${session.title}”`}
              tabIndex={-1}
              onClick={() => onDelete(session)}
            />
            <SessionMenu
              session={session}
              folders={props.folders}
              onPin={props.onPin}
              onArchive={props.onArchive}
              onMove={props.onMove}
              onDelete={onDelete}
            />
          </span>
        </>
      )}
    </li>
  );
}
