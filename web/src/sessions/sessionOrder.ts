// The lists' order, the same as session.list's: in the active view pinned chats
// first; then newest activity first (last message, or creation for an empty
// chat), ties broken by id.
import type { Session } from '../trpc/types';

export function activityOf(session: Session): Date {
  return session.lastMessageAt ?? session.createdAt;
}

/** Negative when `a` comes before `b` in the list. */
export function compareSessions(a: Session, b: Session, pinsFirst = false): number {
  if (pinsFirst && a.pinned !== b.pinned) return a.pinned ? -1 : 1;
  const byTime = activityOf(b).getTime() - activityOf(a).getTime();
  if (byTime !== 0) return byTime;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}
