// The session lists the app keeps: every active chat (the sidebar: its pinned ones
// and those in no folder), each open folder's chats, the Archive and the Trash. Every cached list says by its input
// which sessions belong in it, so one change can be placed in all of them.
import type { SessionView } from '@parley/shared';
import { trpc } from '../trpc/trpc';
import type { Session } from '../trpc/types';

export const pageSize = 30;

export interface ListInput {
  limit: number;
  view?: SessionView;
  deleted?: boolean;
  folderId?: string | null;
}

export const liveListInput: ListInput = { limit: pageSize };
export const trashListInput: ListInput = { limit: pageSize, view: 'trash' };
export const archivedListInput: ListInput = { limit: pageSize, view: 'archived' };
export const folderListInput = (folderId: string): ListInput => ({ limit: pageSize, folderId });

export const viewOf = (input: ListInput): SessionView =>
  input.view ?? (input.deleted ? 'trash' : 'active');

/** Whether `session` belongs in the list `input` asks for. */
export function belongsIn(input: ListInput, session: Session): boolean {
  const view = viewOf(input);
  const inView =
    view === 'trash'
      ? session.deleted
      : !session.deleted && session.archived === (view === 'archived');
  return inView && (input.folderId === undefined || input.folderId === session.folderId);
}

const nextPage = { getNextPageParam: (page: { nextCursor: string | null }) => page.nextCursor };

export function useSessionList(input: ListInput, enabled = true) {
  return trpc.session.list.useInfiniteQuery(input, { ...nextPage, enabled });
}
