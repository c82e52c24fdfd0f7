// A conversation's messages: the newest page first, older pages on demand, and
// live messages (message.onNew) resuming after the newest one loaded.
import { limits } from '@parley/shared';
import { useCallback, useMemo, useState } from 'react';
import { trpc } from '../trpc/trpc';
import type { Message } from '../trpc/types';
import { addMessage, flattenMessages, newestSeq } from './messageCache';

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
  const [resumeFrom, setResumeFrom] = useState<{ sessionId: string; seq: number } | null>(null);
  if (query.data && resumeFrom?.sessionId !== sessionId) {
    setResumeFrom({ sessionId, seq: newestSeq(query.data) });
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

  const live = trpc.message.onNew.useSubscription(
    { sessionId, lastEventId: String(resumeFrom?.seq ?? 0) },
    { enabled: enabled && resumeFrom?.sessionId === sessionId, onData: (event) => add(event.data) },
  );

  const messages = useMemo(() => flattenMessages(query.data), [query.data]);
  return { query, messages, add, liveStatus: live.status };
}
