// Sending messages of one session: optimistic, failure kept visible, retry with the
// same clientId (the server's idempotency key) so a retry can never duplicate.
import { useCallback, useMemo } from 'react';
import { describeError } from '../trpc/errors';
import type { Message } from '../trpc/types';
import { useOutboxState } from './OutboxProvider';
import type { OutgoingMessage } from './outbox';

export interface SendInput {
  sessionId: string;
  content: string;
  clientId: string;
}

export interface OutboxDeps {
  send: (input: SendInput) => Promise<Message>;
  /** Called with the stored message before its outgoing copy disappears. */
  onSent: (message: Message) => void;
  newClientId?: () => string;
}

export function useOutbox(sessionId: string, deps: OutboxDeps) {
  const [all, dispatch] = useOutboxState();
  const { send, onSent, newClientId } = deps;

  const deliver = useCallback(
    async (message: OutgoingMessage) => {
      try {
        const stored = await send({
          sessionId: message.sessionId,
          content: message.content,
          clientId: message.clientId,
        });
        onSent(stored);
        dispatch({ type: 'done', clientId: message.clientId });
      } catch (error) {
        dispatch({ type: 'failed', clientId: message.clientId, error: describeError(error) });
      }
    },
    [send, onSent, dispatch],
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
      if (message?.status !== 'failed') return Promise.resolve();
      dispatch({ type: 'retrying', clientId });
      return deliver(message);
    },
    [all, dispatch, deliver],
  );

  const discard = useCallback(
    (clientId: string) => dispatch({ type: 'done', clientId }),
    [dispatch],
  );

  const outgoing = useMemo(() => all.filter((m) => m.sessionId === sessionId), [all, sessionId]);
  return { outgoing, submit, retry, discard };
}
