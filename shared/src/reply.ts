// Assistant replies as they stream: the events of message.onReply (folded into the
// reply shown by ./replyFold).
import { z } from 'zod';
import { messageSchema } from './api';
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
