// Sending messages of one session: optimistic, failure kept visible, retry with the
// same clientId (the server's idempotency key) so a retry can never duplicate. A send
// with no answer in time is given up as failed; failures the connection caused are
// sent again by themselves once it is back.
import { useCallback, useEffect, useMemo, useRef } from 'react';
import { describeError, isNetworkError } from '../trpc/errors';
import type { Message } from '../trpc/types';
import { useOutboxContext } from './OutboxProvider';
import type { OutgoingMessage } from './outbox';

export const sendTimeoutMs = 15_000;

export interface SendInput {
  sessionId: string;
  content: string;
  clientId: string;
}

export interface OutboxDeps {
  send: (input: SendInput, signal: AbortSignal) => Promise<Message>;
  /** Called with the stored message before its outgoing copy disappears. */
  onSent: (message: Message) => void;
  newClientId?: () => string;
  /** True while the live stream is connected: turning true resends what the connection lost. */
  connected?: boolean;
  timeoutMs?: number;
}

class NoAnswer extends Error {}

type Delivery = Pick<OutboxDeps, 'send' | 'onSent'> & { timeoutMs: number };

/**
 * Sends one outgoing message under its clientId, at most one call at a time per
 * message (`inFlight`), and records the outcome in the outbox.
 */
export async function deliverOutgoing(
  outbox: Pick<ReturnType<typeof useOutboxContext>, 'dispatch' | 'inFlight'>,
  message: OutgoingMessage,
  { send, onSent, timeoutMs }: Delivery,
): Promise<void> {
  const { dispatch, inFlight } = outbox;
  if (inFlight.has(message.clientId)) return;
  inFlight.add(message.clientId);
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new NoAnswer()), timeoutMs);
  try {
    const stored = await send(
      { sessionId: message.sessionId, content: message.content, clientId: message.clientId },
      abort.signal,
    );
    onSent(stored);
    dispatch({ type: 'done', clientId: message.clientId });
  } catch (error) {
    const silent = abort.signal.aborted;
    dispatch({
      type: 'failed',
      clientId: message.clientId,
      error: silent
        ? `No answer from Parley in ${Math.round(timeoutMs / 1000)} seconds.`
        : describeError(error),
      retryable: silent || isNetworkError(error),
    });
  } finally {
    clearTimeout(timer);
    inFlight.delete(message.clientId);
  }
}

export function useOutbox(sessionId: string, deps: OutboxDeps) {
  const { all, dispatch, inFlight, sentHandlers } = useOutboxContext();
  const { send, onSent, newClientId, connected = false, timeoutMs = sendTimeoutMs } = deps;
  // The background resender (useResender) hands this chat's stored messages here too.
  useEffect(() => {
    sentHandlers.set(sessionId, onSent);
    return () => {
      if (sentHandlers.get(sessionId) === onSent) sentHandlers.delete(sessionId);
    };
  }, [sentHandlers, sessionId, onSent]);

  const deliver = useCallback(
    (message: OutgoingMessage) =>
      deliverOutgoing({ dispatch, inFlight }, message, { send, onSent, timeoutMs }),
    [send, onSent, dispatch, inFlight, timeoutMs],
  );

  const submit = useCallback(
    (content: string, afterSeq = 0) => {
      const message: OutgoingMessage = {
        clientId: newClientId?.() ?? crypto.randomUUID(),
        sessionId,
        content,
        status: 'sending',
        createdAt: new Date(),
        afterSeq,
      };
      dispatch({ type: 'queued', message });
      return deliver(message);
    },
    [sessionId, newClientId, dispatch, deliver],
  );

  const retry = useCallback(
    (clientId: string) => {
      const message = all.find((m) => m.clientId === clientId);
      if (message?.status !== 'failed' || inFlight.has(clientId)) return Promise.resolve();
      dispatch({ type: 'retrying', clientId });
      return deliver(message);
    },
    [all, dispatch, deliver, inFlight],
  );

  const discard = useCallback(
    (clientId: string) => dispatch({ type: 'done', clientId }),
    [dispatch],
  );

  const outgoing = useMemo(() => all.filter((m) => m.sessionId === sessionId), [all, sessionId]);

  /** Sends again, same clientIds, whatever this chat lost to the connection. */
  const resend = useCallback(
    () =>
      Promise.all(
        outgoing.filter((m) => m.status === 'failed' && m.retryable).map((m) => retry(m.clientId)),
      ).then(() => {}),
    [outgoing, retry],
  );
  const resendLatest = useRef(resend);
  resendLatest.current = resend;

  useEffect(() => {
    if (connected) void resendLatest.current();
  }, [connected]);
  useEffect(() => {
    const online = () => void resendLatest.current();
    window.addEventListener('online', online);
    return () => window.removeEventListener('online', online);
  }, []);

  /** Forgets outgoing copies whose stored message has arrived (by the live stream, say). */
  const settle = useCallback(
    (messages: Message[]) => {
      const stored = new Set(messages.map((m) => m.clientId));
      for (const m of outgoing) {
        if (stored.has(m.clientId) && !inFlight.has(m.clientId)) {
          dispatch({ type: 'done', clientId: m.clientId });
        }
      }
    },
    [outgoing, dispatch, inFlight],
  );

  return { outgoing, submit, retry, discard, resend, settle };
}
