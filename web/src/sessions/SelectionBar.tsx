// The bar over the sidebar while chats are selected: how many, and what to do with
// them all at once. Delete, archive and move can be undone from the notice after.
import type { BulkAction } from '@parley/shared';
import { Icon } from '../ui/Icon';
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
      <button
        type="button"
        className="icon-button"
        aria-label={`Pin ${n} selected`}
        onClick={() => run('pin')}
      >
        <Icon name="pin" size={16} />
      </button>
      <button
        type="button"
        className="icon-button"
        aria-label={`Archive ${n} selected`}
        onClick={() => run('archive')}
      >
        <Icon name="archive" size={16} />
      </button>
      <button
        type="button"
        className="icon-button"
        aria-label={`Delete ${n} selected`}
        onClick={() => run('delete')}
      >
        <Icon name="trash" size={16} />
      </button>
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
      <button
        type="button"
        className="icon-button"
        aria-label="Clear the selection"
        onClick={selection.clear}
      >
        <Icon name="close" size={16} />
      </button>
    </div>
  );
}
