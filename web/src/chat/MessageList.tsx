// The conversation's messages, oldest at the top: older pages load when the top
// comes into view, newer ones (a chat opened at a search hit) when the bottom does,
// without moving what the person is reading. An edit that ends (Save or Cancel)
// gives focus back to its message's Edit button.
import { useCallback, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { Message } from '../trpc/types';
import { Spinner } from '../ui/Spinner';
import { useOnVisible } from '../ui/useOnVisible';
import { AssistantReply } from './AssistantReply';
import { dayBreaks } from './days';
import { MessageBubble } from './MessageBubble';
import type { OutgoingMessage } from './outbox';
import type { ReplyStore } from './replyStore';
import { type RowActions, StoredMessage } from './StoredMessage';
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
  /** Focus when the last message with actions is deleted (the composer). */
  onFocusLost?: () => void;
  /** Opened at a search hit: newer pages below, and the hit scrolled to and marked. */
  hasNewer?: boolean;
  loadingNewer?: boolean;
  loadNewer?: () => void;
  highlightSeq?: number | null;
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
    onFocusLost,
  } = props;
  const { hasNewer = false, loadingNewer = false, loadNewer, highlightSeq = null } = props;
  const [editing, setEditing] = useState<string | null>(null);
  /** The message whose edit just ended: focus goes back to its Edit button. */
  const [edited, setEdited] = useState<string | null>(null);
  /** The message whose toolbar is the list's Tab stop: the last one focused, else the newest. */
  const [active, setActive] = useState<string | null>(null);
  const tabStop = messages.some((m) => m.id === active) ? active : messages.at(-1)?.id;
  // The rows' callbacks stay the same object while the props behind them change.
  const latest = useRef({ actions, onFocusLost, replies });
  latest.current = { actions, onFocusLost, replies };
  const [rowActions] = useState<RowActions>(() => ({
    copy: (m) => latest.current.actions?.copy(m),
    save: (m, content) => latest.current.actions?.save(m, content),
    remove: (m) => latest.current.actions?.remove(m),
    startEdit: (id) => setEditing(id),
    endEdit: (id) => {
      setEditing(null);
      setEdited(id);
    },
    focused: (id) => setActive(id),
    focusLost: () => latest.current.onFocusLost?.(),
  }));
  const [replyActions] = useState(() => ({
    stop: () => latest.current.replies?.onStop(),
    regenerate: () => latest.current.replies?.onRegenerate(),
  }));
  const scroller = useRef<HTMLDivElement>(null);
  const top = useRef<HTMLDivElement>(null);
  const bottom = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLOListElement>(null);
  const lastOutgoing = outgoing[outgoing.length - 1];
  const lastKey = lastOutgoing?.clientId ?? messages[messages.length - 1]?.id;
  const { onScroll, markBeforeOlder, markBeforeNewer, scrollToBottom, unseen } = useScrollKeeper(
    scroller,
    messages[0]?.id,
    lastKey,
    lastOutgoing !== undefined,
  );
  const newer = useCallback(() => {
    if (!hasNewer || loadingNewer || !loadNewer) return;
    markBeforeNewer();
    loadNewer();
  }, [hasNewer, loadingNewer, loadNewer, markBeforeNewer]);
  useOnVisible(bottom, newer, hasNewer && !loadingNewer, '300px');

  // The hit, once: scrolled to the middle and marked.
  const shownHit = useRef<number | null>(null);
  useLayoutEffect(() => {
    if (highlightSeq === null || shownHit.current === highlightSeq) return;
    const at = messages.findIndex((m) => m.seq === highlightSeq);
    const item = at < 0 ? null : list.current?.children[at];
    if (!(item instanceof HTMLElement)) return;
    shownHit.current = highlightSeq;
    for (const old of list.current?.querySelectorAll('.message--hit') ?? [])
      old.classList.remove('message--hit');
    item.classList.add('message--hit');
    item.scrollIntoView?.({ block: 'center' });
    onScroll();
  }, [highlightSeq, messages, onScroll]);

  useLayoutEffect(() => {
    if (edited === null) return;
    setEdited(null);
    const item = list.current?.children[messages.findIndex((m) => m.id === edited)];
    item?.querySelector<HTMLElement>('[aria-label="Edit message"]')?.focus();
  }, [edited, messages]);

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
      <ol ref={list} className="messages__list" aria-label="Messages">
        {messages.map((m, i) =>
          m.role === 'assistant' && m.status && replies ? (
            <AssistantReply
              key={m.id}
              message={m}
              store={replies.store}
              day={days[i]}
              showTime={endsRun(m, messages[i + 1])}
              newest={i === messages.length - 1 && outgoing.length === 0}
              onStop={replyActions.stop}
              onRegenerate={replyActions.regenerate}
            />
          ) : (
            <StoredMessage
              key={m.id}
              message={m}
              day={days[i]}
              showTime={endsRun(m, messages[i + 1])}
              actionable={actions !== undefined}
              editing={editing === m.id}
              tabStop={m.id === tabStop}
              actions={rowActions}
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
      <div ref={bottom} className="messages__bottom">
        {loadingNewer && <Spinner label="Loading newer messages" />}
      </div>
      {unseen && (
        <button type="button" className="messages__jump" onClick={scrollToBottom}>
          New messages ↓
        </button>
      )}
    </div>
  );
}
