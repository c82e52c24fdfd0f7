// Live changes from other tabs and scripts, written into the caches: sessions
// (session.onChange, a purge taking one out of every list) and the folders with
// their counts (folder.onChange). Reconnects resume after the last event.
import { trpc } from '../trpc/trpc';
import { useApplySession } from './useApplySession';

export function useSessionChanges(): string {
  const apply = useApplySession();
  const utils = trpc.useUtils();
  const sub = trpc.session.onChange.useSubscription(undefined, {
    onData: (event) => apply(event.data.session, event.data.kind === 'purged'),
  });
  trpc.folder.onChange.useSubscription(undefined, {
    onData: (event) => utils.folder.list.setData(undefined, { items: event.data.folders }),
  });
  return sub.status;
}
