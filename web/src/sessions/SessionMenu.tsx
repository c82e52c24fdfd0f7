// A chat's menu: pin, archive, move to a folder (or out of one), delete. A menu
// button: Enter, Space or ArrowDown opens it, arrows move, Escape closes and
// returns focus to the button.
import { type KeyboardEvent, type ReactNode, useEffect, useRef, useState } from 'react';
import type { Session } from '../trpc/types';
import { Icon, type IconName } from '../ui/Icon';
import type { Folder } from './useFolders';

export interface SessionMenuActions {
  onPin: (session: Session) => void;
  onArchive: (session: Session) => void;
  onMove: (session: Session, folderId: string | null) => void;
  onDelete: (session: Session) => void;
}

interface SessionMenuProps extends SessionMenuActions {
  session: Session;
  folders: Folder[];
}

/** One entry of the menu: the arrow keys move between them, so none is a Tab stop. */
function MenuItem(props: { icon: IconName; onClick: () => void; children: ReactNode }) {
  return (
    <button type="button" role="menuitem" tabIndex={-1} onClick={props.onClick}>
      <Icon name={props.icon} size={16} /> {props.children}
    </button>
  );
}

export function SessionMenu({
  session,
  folders,
  onPin,
  onArchive,
  onMove,
  onDelete,
}: SessionMenuProps) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    menu.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const away = (e: MouseEvent) => {
      if (!menu.current?.contains(e.target as Node) && e.target !== button.current) setOpen(false);
    };
    document.addEventListener('mousedown', away);
    return () => document.removeEventListener('mousedown', away);
  }, [open]);

  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  const run = (action: () => void) => () => {
    close();
    action();
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const items = [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLElement);
    let next: HTMLElement | undefined;
    if (e.key === 'ArrowDown') next = items[(at + 1) % items.length];
    else if (e.key === 'ArrowUp') next = items[(at - 1 + items.length) % items.length];
    else if (e.key === 'Home') next = items[0];
    else if (e.key === 'End') next = items[items.length - 1];
    else if (e.key === 'Escape' || e.key === 'Tab') {
      e.preventDefault();
      e.stopPropagation();
      close();
      return;
    } else return;
    e.preventDefault();
    e.stopPropagation();
    next?.focus();
  };

  return (
    <span className="session-menu">
      <button
        ref={button}
        type="button"
        className="icon-button"
        tabIndex={-1}
        aria-label={`More actions for “${session.title}”`}
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' && !open) {
            e.preventDefault();
            e.stopPropagation();
            setOpen(true);
          }
        }}
      >
        <Icon name="more" size={16} />
      </button>
      {open && (
        <div
          ref={menu}
          className="menu"
          role="menu"
          tabIndex={-1}
          aria-label={`Actions for “${session.title}”`}
          onKeyDown={onKeyDown}
        >
          <MenuItem icon="pin" onClick={run(() => onPin(session))}>
            {session.pinned ? 'Unpin' : 'Pin'}
          </MenuItem>
          <MenuItem icon="archive" onClick={run(() => onArchive(session))}>
            {session.archived ? 'Unarchive' : 'Archive'}
          </MenuItem>
          {folders
            .filter((f) => f.id !== session.folderId)
            .map((f) => (
              <MenuItem key={f.id} icon="folder" onClick={run(() => onMove(session, f.id))}>
                Move to {f.name}
              </MenuItem>
            ))}
          {session.folderId && (
            <MenuItem icon="folder" onClick={run(() => onMove(session, null))}>
              Remove from folder
            </MenuItem>
          )}
          <MenuItem icon="trash" onClick={run(() => onDelete(session))}>
            Delete
          </MenuItem>
        </div>
      )}
    </span>
  );
}
