// Messages that the connection lost go again by themselves in every chat, not only
// the open one: at start (what a reload or a closed tab left unsent), as soon as the
// browser is back online, and after growing pauses while some still wait. Each goes
// under its clientId, so the server stores it once however often it is sent.
import { useCallback, useEffect, useRef } from 'react';
import type { Message } from '../trpc/types';
import { useOutboxContext } from './OutboxProvider';
import { deliverOutgoing, type OutboxDeps, sendTimeoutMs } from './useOutbox';

/** Pauses between rounds while messages still wait for the connection. */
export const resendPausesMs = [2_000, 5_000, 15_000, 30_000, 60_000];

export interface ResenderDeps extends Pick<OutboxDeps, 'send' | 'onSent'> {
  timeoutMs?: number;
  pausesMs?: readonly number[];
}

export function useResender({
  send,
  onSent,
  timeoutMs = sendTimeoutMs,
  pausesMs = resendPausesMs,
}: ResenderDeps) {
  const { all, dispatch, inFlight, sentHandlers } = useOutboxContext();
  const waiting = all.filter((m) => m.status === 'failed' && m.retryable);
  const latest = useRef({ waiting, send, onSent });
  latest.current = { waiting, send, onSent };
  const round = useRef(0);

  const resendAll = useCallback(async () => {
    const { waiting, send, onSent } = latest.current;
    await Promise.all(
      waiting
        .filter((m) => !inFlight.has(m.clientId))
        .map((m) => {
          dispatch({ type: 'retrying', clientId: m.clientId });
          // A chat that is open handles its own stored messages (its arrivals, its pages).
          const handled = (stored: Message) =>
            (sentHandlers.get(stored.sessionId) ?? onSent)(stored);
          return deliverOutgoing({ dispatch, inFlight }, m, { send, onSent: handled, timeoutMs });
        }),
    );
  }, [dispatch, inFlight, sentHandlers, timeoutMs]);

  useEffect(() => {
    void resendAll();
    const online = () => {
      round.current = 0;
      void resendAll();
    };
    window.addEventListener('online', online);
    return () => window.removeEventListener('online', online);
  }, [resendAll]);

  const anyWaiting = waiting.length > 0;
  const anySending = all.some((m) => m.status === 'sending');
  useEffect(() => {
    if (!anyWaiting) {
      // Everything went (or nothing was lost): the next loss starts from the shortest pause.
      if (!anySending) round.current = 0;
      return;
    }
    const pause = pausesMs[Math.min(round.current, pausesMs.length - 1)] ?? 60_000;
    const timer = setTimeout(() => {
      round.current++;
      void resendAll();
    }, pause);
    return () => clearTimeout(timer);
  }, [anyWaiting, anySending, pausesMs, resendAll]);
}
