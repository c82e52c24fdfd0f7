// What the notice after an action on several chats says: the verb, then how many
// ("Moved 2 chats to Trash", "Archived 1 chat"), then any that could not be changed.
import type { BulkAction } from '@parley/shared';

export const chats = (n: number) => `${n} ${n === 1 ? 'chat' : 'chats'}`;

function done(action: BulkAction, n: string, folderName: string | null | undefined): string {
  switch (action) {
    case 'delete':
      return `Moved ${n} to Trash`;
    case 'restore':
      return `Restored ${n}`;
    case 'archive':
      return `Archived ${n}`;
    case 'unarchive':
      return `Unarchived ${n}`;
    case 'pin':
      return `Pinned ${n}`;
    case 'unpin':
      return `Unpinned ${n}`;
    case 'move':
      return folderName === null
        ? `Moved ${n} out of folders`
        : folderName
          ? `Moved ${n} to “${folderName}”`
          : `Moved ${n}`;
    case 'purge':
      return `Deleted ${n} for good`;
  }
}

/** `folderName`: where a move went (null: out of every folder; undefined: not known). */
export function bulkNotice(
  action: BulkAction,
  changed: number,
  failed: number,
  folderName?: string | null,
): string {
  if (changed === 0) return `Could not change ${failed === 1 ? 'the chat' : chats(failed)}`;
  const text = done(action, chats(changed), folderName);
  return failed ? `${text}; ${chats(failed)} could not be changed` : text;
}
