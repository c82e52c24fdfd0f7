// One message: the person's own on the right, others on the left; an outgoing one
// shows that it is sending, or that it failed with Retry and Discard. A stored one
// has its actions (Copy, Edit, Delete), an editor in its place while edited, and
// "edited" beside its time once changed. An assistant reply names its model, says
// while it is being written, and carries its buttons.
import type { ReactNode } from 'react';
import { MessageContent } from './MessageContent';
import type { OutgoingMessage } from './outbox';

interface MessageBubbleProps {
  author: 'user' | 'assistant' | 'system';
  content: string;
  createdAt: Date;
  /** The day heading to show above this message: it is the first of its day. */
  day?: string | null;
  outgoing?: OutgoingMessage;
  /** False for all but the last of a run of messages close in time: one timestamp per run. */
  showTime?: boolean;
  onRetry?: () => void;
  onDiscard?: () => void;
  /** The model that wrote an assistant reply. */
  model?: string | undefined;
  /** An assistant reply still being written. */
  streaming?: boolean;
  /** Shown after the time: a reply's status and its buttons. */
  children?: ReactNode;
  editedAt?: Date | null;
  /** The message's toolbar (MessageActions). */
  actions?: ReactNode;
  /** Shown instead of the content while the message is edited (MessageEditor). */
  editor?: ReactNode;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' });

export function MessageBubble({
  author,
  content,
  createdAt,
  day,
  outgoing,
  showTime = true,
  onRetry,
  onDiscard,
  model,
  streaming = false,
  children,
  editedAt = null,
  actions,
  editor,
}: MessageBubbleProps) {
  const failed = outgoing?.status === 'failed';
  const sending = outgoing?.status === 'sending';
  return (
    <li
      className={`message message--${author}${sending ? ' message--sending' : ''}${failed ? ' message--failed' : ''}`}
      aria-busy={sending || streaming || undefined}
    >
      {day && <h2 className="day-separator">{day}</h2>}
      {author !== 'user' && (
        <span className="message__role">
          {author === 'assistant' ? 'Assistant' : 'System'}
          {model && <span className="message__model"> · {model}</span>}
        </span>
      )}
      {editor ?? (
        <div className="message__bubble">
          <MessageContent content={content} />
        </div>
      )}
      {!editor && actions}
      <div
        className={`message__meta${!failed && !sending && !showTime && !editedAt ? ' message__meta--hidden' : ''}`}
      >
        {failed ? (
          <span className="message__failure" role="alert">
            Not sent{outgoing?.error ? `: ${outgoing.error}` : '.'}{' '}
            <button type="button" className="link" onClick={onRetry}>
              Retry
            </button>{' '}
            <button type="button" className="link link--quiet" onClick={onDiscard}>
              Discard
            </button>
          </span>
        ) : sending ? (
          <span>Sending…</span>
        ) : streaming ? (
          <span className="message__writing">Writing…</span>
        ) : (
          <>
            <time dateTime={createdAt.toISOString()} title={fullFormat.format(createdAt)}>
              <span aria-hidden="true">{timeFormat.format(createdAt)}</span>
              <span className="visually-hidden">{fullFormat.format(createdAt)}</span>
            </time>
            {editedAt && (
              <span className="message__edited" title={`Edited ${fullFormat.format(editedAt)}`}>
                {' '}
                · edited
              </span>
            )}
          </>
        )}
        {children && <span className="message__reply-actions">{children}</span>}
      </div>
    </li>
  );
}
