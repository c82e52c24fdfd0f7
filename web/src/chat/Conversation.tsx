// One chat: its header, its messages and the composer. A chat in the Trash can be
// read and restored, not written to.
import { useCallback, useEffect, useRef, useState } from 'react';
import { navigate } from '../app/route';
import { useDocumentTitle } from '../app/useDocumentTitle';
import { clearJump, useJump } from '../search/jump';
import { useMessagesAround } from '../search/useMessagesAround';
import { useSessionActions } from '../sessions/useSessionActions';
import { errorCode } from '../trpc/errors';
import { trpc } from '../trpc/trpc';
import type { Message } from '../trpc/types';
import { ConnectionStatus } from '../ui/ConnectionStatus';
import { Icon } from '../ui/Icon';
import { LoadFailed } from '../ui/LoadFailed';
import { MainHeader } from '../ui/MainHeader';
import { Spinner } from '../ui/Spinner';
import { useLiveState } from '../ui/useLiveState';
import { Composer } from './Composer';
import { preloadMarkdown } from './MessageContent';
import { MessageList } from './MessageList';
import { useOutboxContext } from './OutboxProvider';
import { visibleOutgoing } from './outbox';
import { useArrivals } from './useArrivals';
import { useMessageActions } from './useMessageActions';
import { useMessages } from './useMessages';
import { type SendInput, useOutbox } from './useOutbox';
import { useReplies } from './useReplies';

export function Conversation({ sessionId, onMenu }: { sessionId: string; onMenu: () => void }) {
  const utils = trpc.useUtils();
  const session = trpc.session.get.useQuery({ id: sessionId });
  // Opened at a search hit: the page around it, paging both ways, instead of the newest.
  const hitSeq = useJump(sessionId);
  const newest = useMessages(sessionId, hitSeq === null);
  const around = useMessagesAround(sessionId, hitSeq);
  const { messages, add, remove: removeCached, liveStatus } = hitSeq === null ? newest : around;
  const query = hitSeq === null ? newest.query : around.query;
  const messageActions = useMessageActions(sessionId, { add, remove: removeCached });
  const send = useCallback(
    (input: SendInput, signal: AbortSignal) => utils.client.message.send.mutate(input, { signal }),
    [utils],
  );
  const [sentHere] = useState(() => new Set<number>());
  const onSent = useCallback(
    (message: Message) => {
      sentHere.add(message.seq);
      add(message);
    },
    [sentHere, add],
  );
  const outbox = useOutbox(sessionId, { send, onSent, connected: liveStatus === 'pending' });
  const { owner } = useOutboxContext();
  const { settle } = outbox;
  useEffect(() => settle(messages), [settle, messages]);
  const arrivals = useArrivals(messages, sentHere);
  const replies = useReplies(sessionId, messages, add);
  const { remove, restore } = useSessionActions();
  const live = useLiveState(liveStatus);
  const composer = useRef<HTMLTextAreaElement>(null);
  useDocumentTitle(session.data?.title);

  useEffect(() => {
    void preloadMarkdown();
    if (window.matchMedia?.('(min-width: 800px)').matches) composer.current?.focus();
  }, []);

  const error = session.error ?? query.error;
  if (error) {
    const missing = errorCode(error) === 'NOT_FOUND';
    return (
      <section className="main">
        <MainHeader title={missing ? 'Chat not found' : 'Something went wrong'} onMenu={onMenu} />
        {missing ? (
          <div className="state" role="alert">
            <p>This chat does not exist, or it is not yours.</p>
            <button type="button" className="button" onClick={() => navigate({ view: 'home' })}>
              Back to start
            </button>
          </div>
        ) : (
          <LoadFailed
            className="state"
            error={error}
            onRetry={() => void Promise.all([session.refetch(), query.refetch()])}
          />
        )}
      </section>
    );
  }

  const current = session.data;
  const deleted = current?.deleted ?? false;
  return (
    <section className="main" aria-label={current?.title ?? 'Chat'}>
      <MainHeader title={current?.title ?? '…'} onMenu={onMenu}>
        {live !== 'live' && !query.isPending && <ConnectionStatus state={live} />}
        {replies.available && current && !deleted && (
          <button
            type="button"
            className={`assistant-toggle${replies.on ? ' assistant-toggle--on' : ''}`}
            aria-pressed={replies.on}
            title={replies.on ? `${replies.model} answers in this chat` : 'No replies in this chat'}
            onClick={replies.toggle}
          >
            Assistant{replies.model ? ` (${replies.model})` : ''}
          </button>
        )}
        {current && !deleted && (
          <button
            type="button"
            className="icon-button"
            aria-label="Delete this chat"
            title="Delete this chat"
            onClick={() => {
              navigate({ view: 'home' });
              void remove(current, true);
            }}
          >
            <Icon name="trash" />
          </button>
        )}
      </MainHeader>
      {deleted && current && (
        <div className="banner" role="status">
          This chat is in the Trash.
          <button
            type="button"
            className="button button--small"
            onClick={() => void restore(current)}
          >
            <Icon name="restore" size={16} /> Restore
          </button>
        </div>
      )}
      {query.isPending ? (
        <div className="state">
          <Spinner label="Loading messages" />
        </div>
      ) : messages.length === 0 && outbox.outgoing.length === 0 ? (
        <div className="state state--empty">
          <Icon name="chat" size={32} />
          <p>No messages yet. Say hello.</p>
        </div>
      ) : (
        <MessageList
          messages={messages}
          outgoing={visibleOutgoing(outbox.outgoing, messages)}
          hasOlder={Boolean(query.hasNextPage)}
          loadingOlder={query.isFetchingNextPage}
          loadOlder={() => void query.fetchNextPage()}
          hasNewer={hitSeq !== null && Boolean(around.query.hasPreviousPage)}
          loadingNewer={around.query.isFetchingPreviousPage}
          loadNewer={() => void around.query.fetchPreviousPage()}
          highlightSeq={hitSeq}
          onRetry={(id) => void outbox.retry(id)}
          onDiscard={outbox.discard}
          replies={
            replies.available
              ? { store: replies.store, onStop: replies.stop, onRegenerate: replies.regenerate }
              : undefined
          }
          actions={deleted ? undefined : messageActions}
          onFocusLost={() => composer.current?.focus()}
        />
      )}
      <p className="visually-hidden" aria-live="polite">
        {arrivals}
      </p>
      {replies.notice && (
        <p className="assistant-notice" role="status">
          {replies.notice}{' '}
          {messages.at(-1)?.role === 'user' && (
            <button type="button" className="link" onClick={replies.regenerate}>
              Regenerate
            </button>
          )}
        </p>
      )}
      <Composer
        inputRef={composer}
        draftKey={owner ? { owner, sessionId } : undefined}
        disabled={deleted}
        placeholder={deleted ? 'Restore this chat to write in it' : undefined}
        onSend={(content) => {
          // Sent from further up a chat opened at a hit: back to its newest messages.
          if (hitSeq !== null && !around.atNewest) clearJump();
          void outbox.submit(content, messages.at(-1)?.seq ?? 0);
        }}
      />
    </section>
  );
}
