// A conversation's assistant: its replies streaming live (message.onReply), the
// per-session toggle and model, and Stop and Regenerate.
import { useCallback, useRef, useState } from 'react';
import { describeError } from '../trpc/errors';
import { trpc } from '../trpc/trpc';
import type { Message } from '../trpc/types';
import { ReplyStore } from './replyStore';

export function useReplies(
  sessionId: string,
  messages: Message[],
  add: (message: Message) => void,
) {
  const utils = trpc.useUtils();
  const state = trpc.message.assistant.useQuery({ sessionId });
  const available = state.data?.available ?? false;
  const [store] = useState(() => new ReplyStore());
  const [notice, setNotice] = useState<string | null>(null);
  const listed = useRef(messages);
  listed.current = messages;

  trpc.message.onReply.useSubscription(
    { sessionId },
    {
      enabled: available,
      onData: (event) => {
        if (event.kind === 'limited') {
          setNotice(event.message);
          return;
        }
        const reply = store.apply(event);
        if (!reply) return;
        // The list changes only when a reply appears, starts again or ends; tokens stay in the store.
        const shown = listed.current.find((m) => m.id === reply.id);
        if (
          event.kind === 'end' ||
          !shown ||
          (shown.status !== 'streaming' && event.kind === 'draft')
        )
          add(reply);
        if (event.kind === 'draft') setNotice(null);
      },
    },
  );

  const setOn = trpc.session.setAssistant.useMutation({
    onSuccess: (next) => utils.message.assistant.setData({ sessionId }, next),
    onError: (e) => setNotice(describeError(e)),
  });
  const stop = trpc.message.stopReply.useMutation({
    onError: (e) => setNotice(describeError(e)),
  });
  const regenerate = trpc.message.regenerate.useMutation({
    onSuccess: (draft) => {
      store.apply({ kind: 'draft', message: draft });
      add(draft);
    },
    onError: (e) => setNotice(describeError(e)),
  });

  return {
    store,
    available,
    on: state.data?.on ?? false,
    model: state.data?.model ?? null,
    notice,
    toggle: useCallback(
      () => setOn.mutate({ id: sessionId, on: !(state.data?.on ?? false) }),
      [setOn, sessionId, state.data?.on],
    ),
    stop: useCallback(() => stop.mutate({ sessionId }), [stop, sessionId]),
    regenerate: useCallback(() => regenerate.mutate({ sessionId }), [regenerate, sessionId]),
  };
}

export type Replies = ReturnType<typeof useReplies>;
