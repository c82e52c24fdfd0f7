import { describe, expect, it } from 'vitest';
import {
  archivedListInput,
  belongsIn,
  folderListInput,
  liveListInput,
  trashListInput,
} from './queries';
import { placeSession, type SessionPages } from './sessionCache';
import { makeSession } from './testSessions';

const pages = (items: ReturnType<typeof makeSession>[]): SessionPages => ({
  pages: [{ items, nextCursor: null }],
  pageParams: [null],
});

describe('which list a session belongs in', () => {
  it('puts an active chat in the sidebar’s list (which shows the pinned ones of every folder) and its folder’s, others in the Archive or the Trash', () => {
    const folder = 'f'.repeat(24);
    const cases = [
      [makeSession(), [true, false, false, false]],
      [makeSession({ folderId: folder }), [true, true, false, false]],
      [makeSession({ archived: true }), [false, false, true, false]],
      [makeSession({ archived: true, deleted: true }), [false, false, false, true]],
      [makeSession({ folderId: folder, deleted: true }), [false, false, false, true]],
    ] as const;
    for (const [s, expected] of cases) {
      const inputs = [liveListInput, folderListInput(folder), archivedListInput, trashListInput];
      expect(inputs.map((i) => belongsIn(i, s))).toEqual(expected);
    }
  });

  it('places a pinned chat above every unpinned one in the active lists only', () => {
    const older = makeSession({ createdAt: new Date(2026, 0, 1) });
    const newer = makeSession({ createdAt: new Date(2026, 5, 1) });
    const pinned = { ...older, pinned: true };
    const ids = (d: SessionPages | undefined) => d?.pages[0]?.items.map((s) => s.id);
    expect(ids(placeSession(pages([newer, older]), pinned, true, true))).toEqual([
      older.id,
      newer.id,
    ]);
    expect(ids(placeSession(pages([newer, older]), pinned, true, false))).toEqual([
      newer.id,
      older.id,
    ]);
  });
});
