// Resends, in the background, what the connection lost in any chat (useResender).
import { useCallback } from 'react';
import { trpc } from '../trpc/trpc';
import type { Message } from '../trpc/types';
import { addMessage } from './messageCache';
import { messagePageSize } from './useMessages';
import type { SendInput } from './useOutbox';
import { useResender } from './useResender';

export function OutboxResender() {
  const utils = trpc.useUtils();
  const send = useCallback(
    (input: SendInput, signal: AbortSignal) => utils.client.message.send.mutate(input, { signal }),
    [utils],
  );
  const onSent = useCallback(
    (message: Message) =>
      utils.message.list.setInfiniteData(
        { sessionId: message.sessionId, limit: messagePageSize },
        (data) => addMessage(data, message),
      ),
    [utils],
  );
  useResender({ send, onSent });
  return null;
}
