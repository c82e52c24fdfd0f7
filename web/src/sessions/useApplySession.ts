// One way to record a session's new state in every cache that shows it: each
// cached list (the sidebar, open folders, the Archive, the Trash) and the
// conversation header. Used for our own changes and for changes other tabs and
// scripts make (session.onChange).
import { useQueryClient } from '@tanstack/react-query';
import { getQueryKey } from '@trpc/react-query';
import { useCallback } from 'react';
import { trpc } from '../trpc/trpc';
import type { Session } from '../trpc/types';
import { belongsIn, type ListInput, viewOf } from './queries';
import { placeSession, type SessionPages } from './sessionCache';

export const sessionListKey = () => getQueryKey(trpc.session.list);

/** The input a cached session.list query was made with. */
export function inputOf(queryKey: readonly unknown[]): ListInput | null {
  const meta = queryKey[1] as { input?: ListInput } | undefined;
  return meta?.input ?? null;
}

export function useApplySession(): (session: Session, gone?: boolean) => void {
  const utils = trpc.useUtils();
  const queryClient = useQueryClient();
  return useCallback(
    (session: Session, gone = false) => {
      for (const query of queryClient.getQueryCache().findAll({ queryKey: sessionListKey() })) {
        const input = inputOf(query.queryKey);
        if (!input) continue;
        queryClient.setQueryData<SessionPages>(query.queryKey, (data) =>
          placeSession(
            data,
            session,
            !gone && belongsIn(input, session),
            viewOf(input) === 'active',
          ),
        );
      }
      if (gone) utils.session.get.setData({ id: session.id }, undefined);
      else utils.session.get.setData({ id: session.id }, session);
    },
    [utils, queryClient],
  );
}
