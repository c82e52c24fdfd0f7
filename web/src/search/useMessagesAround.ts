// A conversation opened at a search hit: the page around its seq, then older
// pages above (nextCursor) and newer ones below (prevCursor). Once the newest
// page is in, live messages join it as they do in the ordinary view.
import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import {
  addMessage,
  flattenMessages,
  type MessagePages,
  newestSeq,
  removeMessage,
} from '../chat/messageCache';
import { messagePageSize } from '../chat/useMessages';
import { trpc } from '../trpc/trpc';
import type { Message } from '../trpc/types';

type PageParam = { aroundSeq: number } | { cursor: string };

export function useMessagesAround(sessionId: string, seq: number | null) {
  const utils = trpc.useUtils();
  const client = useQueryClient();
  const key = useMemo(() => ['message.list around', sessionId, seq], [sessionId, seq]);
  const query = useInfiniteQuery({
    queryKey: key,
    enabled: seq !== null,
    initialPageParam: { aroundSeq: seq ?? 1 } as PageParam,
    queryFn: ({ pageParam }) =>
      utils.client.message.list.query({ sessionId, limit: messagePageSize, ...pageParam }),
    getNextPageParam: (page): PageParam | null =>
      page.nextCursor ? { cursor: page.nextCursor } : null,
    getPreviousPageParam: (page): PageParam | null =>
      page.prevCursor ? { cursor: page.prevCursor } : null,
    staleTime: Number.POSITIVE_INFINITY,
  });
  const data = query.data as MessagePages | undefined;
  const atNewest = Boolean(data && !query.hasPreviousPage);

  const add = useCallback(
    (message: Message) => {
      client.setQueryData<MessagePages>(key, (d) => addMessage(d, message));
    },
    [client, key],
  );
  const remove = useCallback(
    (message: Message) => {
      client.setQueryData<MessagePages>(key, (d) => removeMessage(d, message.id));
    },
    [client, key],
  );

  // Fixed once the newest page is in: later events arrive through the stream itself.
  const [resumeFrom, setResumeFrom] = useState<number | null>(null);
  if (atNewest && resumeFrom === null) setResumeFrom(newestSeq(data));
  const live = trpc.message.onNew.useSubscription(
    { sessionId, lastEventId: String(resumeFrom ?? 0) },
    { enabled: seq !== null && resumeFrom !== null, onData: (event) => add(event.data) },
  );

  const messages = useMemo(() => flattenMessages(data), [data]);
  return { query, messages, add, remove, atNewest, liveStatus: live.status };
}
