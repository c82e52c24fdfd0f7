// One message: the person's own on the right, others on the left; an outgoing one
// shows that it is sending, or that it failed with Retry and Discard. A stored one
// has its actions (Copy, Edit, Delete), an editor in its place while edited, and
// "edited" beside its time once changed.
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
  editedAt = null,
  actions,
  editor,
}: MessageBubbleProps) {
  const failed = outgoing?.status === 'failed';
  const sending = outgoing?.status === 'sending';
  return (
    <li
      className={`message message--${author}${sending ? ' message--sending' : ''}${failed ? ' message--failed' : ''}`}
      aria-busy={sending || undefined}
    >
      {day && <h2 className="day-separator">{day}</h2>}
      {author !== 'user' && (
        <span className="message__role">{author === 'assistant' ? 'Assistant' : 'System'}</span>
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
      </div>
    </li>
  );
}
