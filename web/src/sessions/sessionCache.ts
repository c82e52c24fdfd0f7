// Puts a changed session where it belongs in a cached, paged session list: out of
// the list it left, into its place by activity in the list it joined. Sessions
// that belong past the loaded pages are left for paging to bring.
import { defaultSessionTitle } from '@parley/shared';
import type { InfiniteData } from '@tanstack/react-query';
import type { Session, SessionPage } from '../trpc/types';
import { compareSessions } from './sessionOrder';

export type SessionPages<P = unknown> = InfiniteData<SessionPage, P>;

export function placeSession<P>(
  data: SessionPages<P> | undefined,
  session: Session,
  belongs: boolean,
  pinsFirst = false,
): SessionPages<P> | undefined {
  if (!data) return data;
  const pages = data.pages.map((page) => ({
    ...page,
    items: page.items.filter((s) => s.id !== session.id),
  }));
  if (belongs) {
    let placed = false;
    for (const page of pages) {
      const at = page.items.findIndex((s) => compareSessions(session, s, pinsFirst) < 0);
      if (at >= 0) {
        page.items.splice(at, 0, session);
        placed = true;
        break;
      }
    }
    const last = pages[pages.length - 1];
    if (!placed && last && last.nextCursor === null) last.items.push(session);
  }
  return { ...data, pages };
}

/** The loaded sessions in order, once each (a session may move between pages while paging). */
export function flattenSessions(data: SessionPages | undefined): Session[] {
  const seen = new Set<string>();
  const out: Session[] = [];
  for (const page of data?.pages ?? []) {
    for (const s of page.items) {
      if (seen.has(s.id)) continue;
      seen.add(s.id);
      out.push(s);
    }
  }
  return out;
}

/**
 * A loaded, untitled chat with no messages that is not in the Trash: New Chat opens
 * it instead of another. An empty chat the user has named is kept for what they named it for.
 */
export function emptySession(data: SessionPages | undefined): Session | null {
  return (
    flattenSessions(data).find(
      (s) => s.messageCount === 0 && !s.deleted && s.title === defaultSessionTitle,
    ) ?? null
  );
}
