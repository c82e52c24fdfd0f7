// Live session changes from other tabs and scripts (session.onChange), written into
// the caches. Reconnects resume after the last event (see authRetryLink).
import { trpc } from '../trpc/trpc';
import { useApplySession } from './useApplySession';

export function useSessionChanges(): string {
  const apply = useApplySession();
  const sub = trpc.session.onChange.useSubscription(undefined, {
    onData: (event) => apply(event.data.session),
  });
  return sub.status;
}
