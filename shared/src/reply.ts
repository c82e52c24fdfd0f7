// Assistant replies as they stream: the events of message.onReply and the one way
// both the web app and scripts fold them into the message they show.
import { z } from 'zod';
import { type Message, messageSchema } from './api';
import { idSchema } from './ids';

export const replyEventSchema = z.discriminatedUnion('kind', [
  /** The reply as it stands: sent when a reply starts, on each save, and to a view that joins. */
  z.object({ kind: z.literal('draft'), message: messageSchema }),
  /** New text: `text` belongs at character `offset` of the reply's content. */
  z.object({
    kind: z.literal('delta'),
    messageId: idSchema,
    seq: z.number().int().positive(),
    offset: z.number().int().nonnegative(),
    text: z.string(),
  }),
  /** The reply is final: done, stopped, failed or interrupted. */
  z.object({ kind: z.literal('end'), message: messageSchema }),
  /** A user message got no reply: the user passed the per-minute limit. */
  z.object({ kind: z.literal('limited'), messageId: idSchema, message: z.string() }),
]);
export type ReplyEvent = z.infer<typeof replyEventSchema>;

export const messageOnReplyInput = z.object({ sessionId: idSchema });
export const replyControlInput = z.object({ sessionId: idSchema });
export const sessionAssistantInput = z.object({ id: idSchema, on: z.boolean() });

/** What a view shows about the assistant of one session. */
export const assistantStateSchema = z.object({
  /** Whether this Parley has a model configured at all. */
  available: z.boolean(),
  /** This session's toggle (on unless turned off). */
  on: z.boolean(),
  model: z.string().nullable(),
});
export type AssistantState = z.infer<typeof assistantStateSchema>;

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
