// A conversation's messages: the newest page first, older pages on demand, and
// live changes (message.onChange: new messages, edits, deletes, restores) resuming
// after the newest one loaded.
import { limits } from '@parley/shared';
import { useCallback, useMemo, useState } from 'react';
import { trpc } from '../trpc/trpc';
import type { Message } from '../trpc/types';
import { addMessage, flattenMessages, newestSeq, removeMessage } from './messageCache';

export const messagePageSize = limits.messagePageDefault;

/** `enabled` false: nothing is fetched or streamed (the chat is open at a search hit instead). */
export function useMessages(sessionId: string, enabled = true) {
  const utils = trpc.useUtils();
  const input = { sessionId, limit: messagePageSize };
  const query = trpc.message.list.useInfiniteQuery(input, {
    getNextPageParam: (page) => page.nextCursor,
    enabled,
  });

  // Fixed once per conversation: later events arrive through the stream itself.
  const [resumeFrom, setResumeFrom] = useState<{ sessionId: string; id: string } | null>(null);
  if (query.data && resumeFrom?.sessionId !== sessionId) {
    // The newest seq and the changes the first page saw: anything later comes live.
    const changes = query.data.pages[0]?.changeCount;
    const seq = newestSeq(query.data);
    setResumeFrom({ sessionId, id: changes === undefined ? String(seq) : `${seq}:${changes}` });
  }

  const add = useCallback(
    (message: Message) => {
      utils.message.list.setInfiniteData(
        { sessionId: message.sessionId, limit: messagePageSize },
        (data) => addMessage(data, message),
      );
    },
    [utils],
  );

  const remove = useCallback(
    (message: Message) => {
      utils.message.list.setInfiniteData(
        { sessionId: message.sessionId, limit: messagePageSize },
        (data) => removeMessage(data, message.id),
      );
    },
    [utils],
  );

  const live = trpc.message.onChange.useSubscription(
    { sessionId, lastEventId: resumeFrom?.id ?? '0' },
    {
      enabled: enabled && resumeFrom?.sessionId === sessionId,
      onData: ({ data: event }) => {
        if (event.kind === 'reset') {
          // Away too long to replay the changes: read the conversation again.
          void utils.message.list.invalidate({ sessionId, limit: messagePageSize });
        } else if (event.kind === 'deleted') {
          remove(event.message);
        } else {
          add(event.message);
        }
      },
    },
  );

  const messages = useMemo(() => flattenMessages(query.data), [query.data]);
  return { query, messages, add, remove, liveStatus: live.status };
}
