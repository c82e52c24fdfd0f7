// The sidebar's folders: each a collapsible heading with its count that opens onto
// its chats (loaded when opened; pinned ones are under Pinned), a drop target for dragged chats, renamed and
// deleted in place; "New folder" adds one in place. They join the chat list's
// roving focus (arrow keys), so many folders add no Tab stops.
import { limits } from '@parley/shared';
import { type DragEvent, useState } from 'react';
import { Icon } from '../ui/Icon';
import { IconButton } from '../ui/IconButton';
import { ChatRow } from './ChatRow';
import { folderListInput, useSessionList } from './queries';
import { dragType } from './SessionItem';
import { flattenSessions } from './sessionCache';
import { type Folder, useFolderActions } from './useFolders';

interface FoldersProps {
  folders: Folder[];
  /** No chat is the list's Tab stop: New folder is. */
  tabbable: boolean;
  filter: string;
  onDropChats: (ids: string[], folderId: string | null) => void;
}

/** Drop handlers for a target that takes dragged chats. */
export function dropTarget(onDrop: (ids: string[]) => void, setOver: (over: boolean) => void) {
  return {
    onDragOver: (e: DragEvent) => {
      if (!e.dataTransfer.types.includes(dragType)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'move';
      setOver(true);
    },
    onDragLeave: () => setOver(false),
    onDrop: (e: DragEvent) => {
      setOver(false);
      const ids = e.dataTransfer.getData(dragType).split(',').filter(Boolean);
      if (!ids.length) return;
      e.preventDefault();
      onDrop(ids);
    },
  };
}

function NameInput(props: {
  label: string;
  initial: string;
  onDone: (name: string | null) => void;
}) {
  const [value, setValue] = useState(props.initial);
  return (
    <input
      className="session__rename"
      aria-label={props.label}
      // biome-ignore lint/a11y/noAutofocus: shown at the person's request, to type into at once
      autoFocus
      value={value}
      maxLength={limits.folderNameMax}
      onChange={(e) => setValue(e.target.value)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === 'Escape') {
          e.preventDefault();
          e.stopPropagation();
          props.onDone(e.key === 'Enter' && value.trim() ? value.trim() : null);
        }
      }}
      onBlur={() => props.onDone(value.trim() ? value.trim() : null)}
    />
  );
}

function FolderChats({ folder, filter }: { folder: Folder; filter: string }) {
  const list = useSessionList(folderListInput(folder.id));
  const needle = filter.trim().toLocaleLowerCase();
  // Pinned ones are shown under Pinned, once.
  const sessions = flattenSessions(list.data).filter(
    (s) => !s.pinned && (!needle || s.title.toLocaleLowerCase().includes(needle)),
  );
  if (list.isPending) return <p className="folder__empty">Loading…</p>;
  if (!sessions.length) {
    const pinnedOnly = flattenSessions(list.data).some((s) => s.pinned);
    return (
      <p className="folder__empty">
        {pinnedOnly ? 'Its chats are under Pinned.' : 'No chats here yet.'}
      </p>
    );
  }
  return (
    <ul>
      {sessions.map((s) => (
        <ChatRow key={s.id} session={s} />
      ))}
      {list.hasNextPage && (
        <li className="session-list__more">
          <button type="button" className="link" onClick={() => void list.fetchNextPage()}>
            Load more
          </button>
        </li>
      )}
    </ul>
  );
}

function FolderRow({
  folder,
  filter,
  onDropChats,
}: { folder: Folder } & Omit<FoldersProps, 'folders' | 'tabbable'>) {
  const [open, setOpen] = useState(false);
  const [renaming, setRenaming] = useState(false);
  const [over, setOver] = useState(false);
  const { rename, remove } = useFolderActions();
  const id = `folder-${folder.id}`;
  return (
    <li className={`folder${over ? ' folder--over' : ''}`} data-folder={folder.id}>
      <div
        className="folder__head"
        data-row
        {...dropTarget((ids) => onDropChats(ids, folder.id), setOver)}
      >
        {renaming ? (
          <NameInput
            label="Folder name"
            initial={folder.name}
            onDone={(name) => {
              setRenaming(false);
              if (name && name !== folder.name) rename.mutate({ id: folder.id, name });
            }}
          />
        ) : (
          <>
            <button
              type="button"
              className="folder__toggle"
              tabIndex={-1}
              aria-expanded={open}
              aria-controls={id}
              onClick={() => setOpen((o) => !o)}
              onKeyDown={(e) => {
                if (e.key === 'F2') setRenaming(true);
              }}
            >
              <span className={`folder__chevron${open ? ' folder__chevron--open' : ''}`}>
                <Icon name="chevron" size={14} />
              </span>
              <Icon name="folder" size={16} />
              <span className="folder__name">{folder.name}</span>
              <span className="folder__count">
                {folder.sessionCount}
                <span className="visually-hidden"> chats</span>
              </span>
            </button>
            <span className="session__actions">
              <IconButton
                icon="pencil"
                label={`Rename folder “${folder.name}”`}
                size={14}
                tabIndex={-1}
                onClick={() => setRenaming(true)}
              />
              <IconButton
                icon="trash"
                label={`Delete folder “${folder.name}”`}
                size={14}
                tabIndex={-1}
                onClick={() => remove.mutate(folder)}
              />
            </span>
          </>
        )}
      </div>
      {open && (
        <div id={id} className="folder__chats">
          <FolderChats folder={folder} filter={filter} />
        </div>
      )}
    </li>
  );
}

export function Folders({ folders, filter, onDropChats, tabbable }: FoldersProps) {
  const [creating, setCreating] = useState(false);
  const { create } = useFolderActions();
  return (
    <section aria-label="Folders" className="folders">
      <div className="session-list__heading folders__heading" data-row>
        <h2>Folders</h2>
        <button
          type="button"
          tabIndex={tabbable ? 0 : -1}
          className="icon-button folders__new"
          aria-label="New folder"
          title="New folder"
          onClick={() => setCreating(true)}
        >
          <Icon name="plus" size={14} />
        </button>
      </div>
      <ul>
        {creating && (
          <li className="folder">
            <NameInput
              label="New folder name"
              initial=""
              onDone={(name) => {
                setCreating(false);
                if (name) create.mutate(name);
              }}
            />
          </li>
        )}
        {folders.map((f) => (
          <FolderRow key={f.id} folder={f} filter={filter} onDropChats={onDropChats} />
        ))}
      </ul>
    </section>
  );
}
