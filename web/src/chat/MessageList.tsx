// The conversation's messages, oldest at the top: older pages load when the top
// comes into view, without moving what the person is reading.
import { useCallback, useMemo, useRef, useState } from 'react';
import type { Message } from '../trpc/types';
import { Spinner } from '../ui/Spinner';
import { useOnVisible } from '../ui/useOnVisible';
import { AssistantReply } from './AssistantReply';
import { dayBreaks } from './days';
import { MessageActions } from './MessageActions';
import { MessageBubble } from './MessageBubble';
import { MessageEditor } from './MessageEditor';
import type { OutgoingMessage } from './outbox';
import type { ReplyStore } from './replyStore';
import { useScrollKeeper } from './useScrollKeeper';

const runGapMs = 5 * 60_000;

/** A message ends its run when the next one is by someone else or comes much later. */
function endsRun(message: Message, next: Message | undefined): boolean {
  return (
    !next ||
    next.role !== message.role ||
    next.createdAt.getTime() - message.createdAt.getTime() > runGapMs
  );
}

interface MessageListProps {
  messages: Message[];
  outgoing: OutgoingMessage[];
  hasOlder: boolean;
  loadingOlder: boolean;
  loadOlder: () => void;
  onRetry: (clientId: string) => void;
  onDiscard: (clientId: string) => void;
  /** Live replies and their buttons, when the chat has an assistant. */
  replies?: { store: ReplyStore; onStop: () => void; onRegenerate: () => void } | undefined;
  /** What the person can do to stored messages; none in a chat in the Trash. */
  actions?: {
    copy: (message: Message) => void;
    save: (message: Message, content: string) => void;
    remove: (message: Message) => void;
  };
}

export function MessageList(props: MessageListProps) {
  const {
    messages,
    outgoing,
    hasOlder,
    loadingOlder,
    loadOlder,
    onRetry,
    onDiscard,
    actions,
    replies,
  } = props;
  const [editing, setEditing] = useState<string | null>(null);
  /** The message whose toolbar is the list's Tab stop: the last one focused, else the newest. */
  const [active, setActive] = useState<string | null>(null);
  const tabStop = messages.some((m) => m.id === active) ? active : messages.at(-1)?.id;
  const scroller = useRef<HTMLDivElement>(null);
  const top = useRef<HTMLDivElement>(null);
  const lastOutgoing = outgoing[outgoing.length - 1];
  const lastKey = lastOutgoing?.clientId ?? messages[messages.length - 1]?.id;
  const { onScroll, markBeforeOlder, scrollToBottom, unseen } = useScrollKeeper(
    scroller,
    messages[0]?.id,
    lastKey,
    lastOutgoing !== undefined,
  );

  const older = useCallback(() => {
    if (!hasOlder || loadingOlder) return;
    markBeforeOlder();
    loadOlder();
  }, [hasOlder, loadingOlder, markBeforeOlder, loadOlder]);
  useOnVisible(top, older, hasOlder && !loadingOlder, '300px');
  // Headings stay put on a page loaded before midnight (now is read when the list changes).
  const days = useMemo(
    () =>
      dayBreaks(
        [...messages, ...outgoing].map((m) => m.createdAt),
        new Date(),
      ),
    [messages, outgoing],
  );

  return (
    <div className="messages" ref={scroller} onScroll={onScroll}>
      <div ref={top} className="messages__top">
        {loadingOlder && <Spinner label="Loading older messages" />}
        {!hasOlder && messages.length > 0 && (
          <p className="messages__start">The beginning of this chat</p>
        )}
      </div>
      <ol className="messages__list" aria-label="Messages">
        {messages.map((m, i) =>
          m.role === 'assistant' && m.status && replies ? (
            <AssistantReply
              key={m.id}
              message={m}
              store={replies.store}
              day={days[i]}
              showTime={endsRun(m, messages[i + 1])}
              newest={i === messages.length - 1 && outgoing.length === 0}
              onStop={replies.onStop}
              onRegenerate={replies.onRegenerate}
            />
          ) : (
            <MessageBubble
              key={m.id}
              author={m.role}
              content={m.content}
              createdAt={m.createdAt}
              editedAt={m.editedAt}
              day={days[i]}
              showTime={endsRun(m, messages[i + 1])}
              editor={
                actions && editing === m.id ? (
                  <MessageEditor
                    content={m.content}
                    onCancel={() => setEditing(null)}
                    onSave={(content) => {
                      setEditing(null);
                      actions.save(m, content);
                    }}
                  />
                ) : undefined
              }
              actions={
                actions && (
                  <MessageActions
                    tabStop={m.id === tabStop}
                    own={m.role === 'user'}
                    onFocus={() => setActive(m.id)}
                    onCopy={() => actions.copy(m)}
                    onEdit={() => setEditing(m.id)}
                    onDelete={() => actions.remove(m)}
                  />
                )
              }
            />
          ),
        )}
        {outgoing.map((m, i) => (
          <MessageBubble
            key={m.clientId}
            author="user"
            content={m.content}
            createdAt={m.createdAt}
            day={days[messages.length + i]}
            outgoing={m}
            onRetry={() => onRetry(m.clientId)}
            onDiscard={() => onDiscard(m.clientId)}
          />
        ))}
      </ol>
      {unseen && (
        <button type="button" className="messages__jump" onClick={scrollToBottom}>
          New messages ↓
        </button>
      )}
    </div>
  );
}
