// One way to record a session's new state in every cache that shows it: the live
// list, the Trash and the conversation header. Used for our own changes and for
// changes other tabs and scripts make (session.onChange).
import { useCallback } from 'react';
import { trpc } from '../trpc/trpc';
import type { Session } from '../trpc/types';
import { liveListInput, trashListInput } from './queries';
import { placeSession } from './sessionCache';

export function useApplySession(): (session: Session) => void {
  const utils = trpc.useUtils();
  return useCallback(
    (session: Session) => {
      utils.session.list.setInfiniteData(liveListInput, (data) =>
        placeSession(data, session, !session.deleted),
      );
      utils.session.list.setInfiniteData(trashListInput, (data) =>
        placeSession(data, session, session.deleted),
      );
      utils.session.get.setData({ id: session.id }, session);
    },
    [utils],
  );
}
