// An assistant reply in the list: the stored message, or its live copy while it
// streams (only this bubble re-renders per token), with Stop while it is written
// and Regenerate on the newest reply once it has ended.
import { memo, useCallback, useSyncExternalStore } from 'react';
import type { Message } from '../trpc/types';
import { MessageBubble } from './MessageBubble';
import type { ReplyStore } from './replyStore';

interface AssistantReplyProps {
  message: Message;
  store: ReplyStore;
  day?: string | null;
  showTime?: boolean;
  /** The newest message of the chat: it gets the reply's buttons. */
  newest: boolean;
  onStop: () => void;
  onRegenerate: () => void;
}

const failureText: Record<string, string> = {
  stopped: 'Stopped.',
  interrupted: 'Interrupted.',
  failed: 'The reply failed.',
};

/** Memoised as the list's other rows are (StoredMessage.tsx): its callbacks never change. */
export const AssistantReply = memo(function AssistantReply(props: AssistantReplyProps) {
  const { message, store, newest, onStop, onRegenerate } = props;
  const subscribe = useCallback(
    (l: () => void) => store.subscribe(message.id, l),
    [store, message.id],
  );
  const live = useSyncExternalStore(subscribe, () => store.get(message.id));
  // The list's copy once it has ended there; the live one while it grows.
  const shown = live && message.status === 'streaming' ? live : message;
  const streaming = shown.status === 'streaming';
  const ended = shown.status && shown.status !== 'done' && shown.status !== 'streaming';
  return (
    <MessageBubble
      author="assistant"
      content={shown.content}
      createdAt={shown.createdAt}
      day={props.day}
      showTime={props.showTime || newest}
      model={shown.model}
      streaming={streaming}
    >
      {ended && (
        <span className={shown.status === 'stopped' ? '' : 'message__failure'}>
          {shown.error ?? failureText[shown.status ?? ''] ?? ''}
        </span>
      )}
      {newest && streaming && (
        <button type="button" className="link" onClick={onStop}>
          Stop
        </button>
      )}
      {newest && !streaming && (
        <button type="button" className="link" onClick={onRegenerate}>
          Regenerate
        </button>
      )}
    </MessageBubble>
  );
});
