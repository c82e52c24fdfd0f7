// Groups an ordered list of sessions under the headings a person scans by:
// Today, Yesterday, Previous 7 days, then one heading per month; and splits the
// sidebar's list into its pinned chats (from any folder) and the rest in no folder.
import type { Session } from '../trpc/types';
import { activityOf } from './sessionOrder';

export interface SessionGroup {
  label: string;
  sessions: Session[];
}

const dayMs = 86_400_000;

function startOfDay(d: Date): number {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/** Whole calendar days between `date` and `now` in local time (0 = today). */
function daysAgo(date: Date, now: Date): number {
  return Math.round((startOfDay(now) - startOfDay(date)) / dayMs);
}

export function groupLabel(date: Date, now: Date, locale?: string): string {
  const days = daysAgo(date, now);
  if (days <= 0) return 'Today';
  if (days === 1) return 'Yesterday';
  if (days <= 7) return 'Previous 7 days';
  const sameYear = date.getFullYear() === now.getFullYear();
  return date.toLocaleDateString(
    locale,
    sameYear ? { month: 'long' } : { month: 'long', year: 'numeric' },
  );
}

/** Keeps the given order; each session goes under the heading of its latest activity. */
export function groupSessions(
  sessions: Session[],
  now = new Date(),
  locale?: string,
): SessionGroup[] {
  const groups: SessionGroup[] = [];
  for (const session of sessions) {
    const label = groupLabel(activityOf(session), now, locale);
    const last = groups[groups.length - 1];
    if (last?.label === label) last.sessions.push(session);
    else groups.push({ label, sessions: [session] });
  }
  return groups;
}

export interface SidebarSections {
  /** Every pinned chat, in whichever folder it is filed. */
  pinned: Session[];
  /** The chats neither pinned nor in a folder, under their date headings. */
  groups: SessionGroup[];
}

/** `sessions` is the active list of every folder: a pinned chat stays in view wherever it is filed. */
export function sidebarSections(
  sessions: Session[],
  now = new Date(),
  locale?: string,
): SidebarSections {
  return {
    pinned: sessions.filter((s) => s.pinned),
    groups: groupSessions(
      sessions.filter((s) => !s.pinned && s.folderId === null),
      now,
      locale,
    ),
  };
}
