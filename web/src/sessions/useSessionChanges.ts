// Live changes from other tabs and scripts, written into the caches: sessions (a
// purge taking one out of every list) and the folders with their counts. One
// stream carries both (folder.onChange with sessions), since a browser holds only
// six connections per server and every open stream keeps one. Reconnects resume
// after the last event (see trpc/retryPolicy).
import { trpc } from '../trpc/trpc';
import { useApplySession } from './useApplySession';

export function useSessionChanges(): string {
  const apply = useApplySession();
  const utils = trpc.useUtils();
  const sub = trpc.folder.onChange.useSubscription(
    { sessions: true },
    {
      onData: ({ data }) => {
        if ('session' in data) apply(data.session, data.kind === 'purged');
        else utils.folder.list.setData(undefined, { items: data.folders });
      },
    },
  );
  return sub.status;
}
