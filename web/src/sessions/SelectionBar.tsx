// The bar over the sidebar while chats are selected: how many, and what to do with
// them all at once. Delete, archive and move can be undone from the notice after.
import type { BulkAction } from '@parley/shared';
import { IconButton } from '../ui/IconButton';
import { useSelection } from './selection';
import type { Folder } from './useFolders';
import { useOrganise } from './useOrganise';

export function SelectionBar({ folders }: { folders: Folder[] }) {
  const selection = useSelection();
  const { bulk } = useOrganise();
  const n = selection.ids.size;
  const run = (action: BulkAction, folderId?: string | null) => {
    const sessions = selection.sessions();
    if (!sessions.length) return;
    bulk.mutate({ sessions, action, ...(folderId !== undefined ? { folderId } : {}) });
    selection.clear();
  };
  return (
    <div className="selection-bar" role="toolbar" aria-label="Selected chats">
      <span className="selection-bar__count" aria-live="polite">
        {n} selected
      </span>
      <IconButton icon="pin" label={`Pin ${n} selected`} onClick={() => run('pin')} />
      <IconButton icon="archive" label={`Archive ${n} selected`} onClick={() => run('archive')} />
      <IconButton icon="trash" label={`Delete ${n} selected`} onClick={() => run('delete')} />
      <select
        className="selection-bar__move"
        aria-label={`Move ${n} selected to a folder`}
        value=""
        onChange={(e) => run('move', e.target.value === '-' ? null : e.target.value)}
      >
        <option value="" disabled>
          Move to…
        </option>
        <option value="-">No folder</option>
        {folders.map((f) => (
          <option key={f.id} value={f.id}>
            {f.name}
          </option>
        ))}
      </select>
      <IconButton icon="close" label="Clear the selection" onClick={selection.clear} />
    </div>
  );
}
