// Session objects for tests.
import type { Session } from '../trpc/types';

let n = 0;
export function makeSession(over: Partial<Session> = {}): Session {
  n += 1;
  const id = n.toString(16).padStart(24, '0');
  const createdAt = over.createdAt ?? new Date(2026, 10, 24, 9, 0);
  return {
    id,
    userId: 'a'.repeat(24),
    title: `Chat ${n}`,
    messageCount: 0,
    lastMessageAt: null,
    createdAt,
    updatedAt: createdAt,
    deleted: false,
    deletedAt: null,
    pinned: false,
    archived: false,
    folderId: null,
    ...over,
  };
}
