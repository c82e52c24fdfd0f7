import { describe, expect, it } from 'vitest';
import { bulkNotice } from './bulkNotice';

describe('the notice after acting on several chats', () => {
  it('puts the verb first and the count where the sentence needs it, singular for one', () => {
    expect(bulkNotice('delete', 2, 0)).toBe('Moved 2 chats to Trash');
    expect(bulkNotice('delete', 1, 0)).toBe('Moved 1 chat to Trash');
    expect(bulkNotice('restore', 3, 0)).toBe('Restored 3 chats');
    expect(bulkNotice('archive', 1, 0)).toBe('Archived 1 chat');
    expect(bulkNotice('unarchive', 2, 0)).toBe('Unarchived 2 chats');
    expect(bulkNotice('pin', 2, 0)).toBe('Pinned 2 chats');
    expect(bulkNotice('unpin', 1, 0)).toBe('Unpinned 1 chat');
    expect(bulkNotice('purge', 2, 0)).toBe('Deleted 2 chats for good');
  });

  it('names the folder a move went to, or says it left the folders', () => {
    expect(bulkNotice('move', 2, 0, 'Projects')).toBe('Moved 2 chats to “Projects”');
    expect(bulkNotice('move', 1, 0, null)).toBe('Moved 1 chat out of folders');
    expect(bulkNotice('move', 3, 0)).toBe('Moved 3 chats');
  });

  it('adds those that could not be changed, and says so alone when none was', () => {
    expect(bulkNotice('delete', 2, 1)).toBe('Moved 2 chats to Trash; 1 chat could not be changed');
    expect(bulkNotice('archive', 1, 2)).toBe('Archived 1 chat; 2 chats could not be changed');
    expect(bulkNotice('delete', 0, 1)).toBe('Could not change the chat');
    expect(bulkNotice('delete', 0, 3)).toBe('Could not change 3 chats');
  });
});
