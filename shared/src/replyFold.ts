// The one way both the web app and scripts fold reply events into the message they
// show. Types only from the schemas, so the web bundle takes no zod for it.
import type { Message } from './api';
import type { ReplyEvent } from './reply';

/**
 * The reply after `event`, from `current` (null: not seen yet). A delta that
 * starts past what is known leaves it as it is: the next draft event fills the gap.
 */
export function applyReplyEvent(current: Message | null, event: ReplyEvent): Message | null {
  if (event.kind === 'limited') return current;
  if (event.kind !== 'delta') {
    // A final snapshot or a new attempt (regenerate) wins; an older snapshot never
    // shortens a longer draft nor reopens an ended one.
    const attempt = (m: Message) => m.previous?.length ?? 0;
    if (event.kind === 'draft' && current?.id === event.message.id) {
      if (attempt(event.message) > attempt(current)) return event.message;
      if (current.status !== 'streaming') return current;
      if (current.content.length > event.message.content.length) return current;
    }
    return event.message;
  }
  if (!current || current.id !== event.messageId || current.status !== 'streaming') return current;
  const have = current.content.length;
  if (event.offset > have) return current;
  const text = event.text.slice(have - event.offset);
  return text ? { ...current, content: current.content + text } : current;
}
