// The two session lists the app keeps: live chats and the Trash.
import { trpc } from '../trpc/trpc';

export const pageSize = 30;
export const liveListInput = { limit: pageSize };
export const trashListInput = { limit: pageSize, deleted: true };

const nextPage = { getNextPageParam: (page: { nextCursor: string | null }) => page.nextCursor };

export function useSessionList(deleted: boolean) {
  return trpc.session.list.useInfiniteQuery(deleted ? trashListInput : liveListInput, nextPage);
}
