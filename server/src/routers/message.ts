import {
  assistantStateSchema,
  limits,
  messageEditInput,
  messageIdInput,
  messageListInput,
  messageOnChangeInput,
  messageOnNewInput,
  messageOnReplyInput,
  messagePageSchema,
  messageSchema,
  messageSendInput,
  replyControlInput,
} from '@parley/shared';
import type { TRPCRouterRecord } from '@trpc/server';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { streamReplies } from '../assistant/replyStream';
import { assistantState } from '../assistant/switch';
import { deleteMessage, editMessage, restoreMessage } from '../chat/messageEdits';
import { sendMessage } from '../chat/messages';
import { listMessagesInTurn } from '../chat/pageReads';
import { loadOwnedSession } from '../chat/sessions';
import { streamMessageEvents, streamMessages } from '../realtime/messageStream';
import type { Services } from '../services';
import { protectedProcedure, userMutation, viewerOf } from '../trpc/init';
import { parsed } from '../trpc/schemas';

const okSchema = z.object({ ok: z.literal(true) });

export const messageRouter = {
  send: userMutation(messageSendInput, messageSchema, sendMessage),

  list: protectedProcedure
    .input(parsed(messageListInput))
    .output(parsed(messagePageSchema))
    .query(({ ctx, input }) =>
      listMessagesInTurn(ctx.services, ctx.user, {
        sessionId: input.sessionId,
        limit: input.limit ?? limits.messagePageDefault,
        cursor: input.cursor,
        aroundSeq: input.aroundSeq,
      }),
    ),

  edit: userMutation(messageEditInput, messageSchema, (services, user, input) =>
    editMessage(services, user, input.id, input.content),
  ),

  delete: userMutation(messageIdInput, okSchema, async (services, user, input) => {
    await deleteMessage(services, user, input.id);
    return { ok: true as const };
  }),

  /** Undo of a delete. */
  restore: userMutation(messageIdInput, messageSchema, (services, user, input) =>
    restoreMessage(services, user, input.id),
  ),

  onNew: protectedProcedure
    .input(parsed(messageOnNewInput))
    .subscription(({ ctx, input, signal }) =>
      streamMessages(ctx.services, viewerOf(ctx), input, signal),
    ),

  /** A session's assistant replies as they stream (see assistant/replyStream.ts). */
  onReply: protectedProcedure
    .input(parsed(messageOnReplyInput))
    .subscription(({ ctx, input, signal }) =>
      streamReplies(ctx.services, viewerOf(ctx), input, signal),
    ),

  stopReply: userMutation(replyControlInput, messageSchema.nullable(), (services, user, input) =>
    assistantOf(services).stop(user, input.sessionId),
  ),

  regenerate: userMutation(replyControlInput, messageSchema, (services, user, input) =>
    assistantOf(services).regenerate(user, input.sessionId),
  ),

  /** Whether the session's replies are on, and by which model. */
  assistant: protectedProcedure
    .input(parsed(replyControlInput))
    .output(parsed(assistantStateSchema))
    .query(async ({ ctx, input }) =>
      assistantState(
        ctx.services,
        await loadOwnedSession(ctx.services, ctx.user._id, input.sessionId),
      ),
    ),

  /** onNew's stream with edits, deletes and restores too: what a conversation view follows. */
  onChange: protectedProcedure
    .input(parsed(messageOnChangeInput))
    .subscription(({ ctx, input, signal }) =>
      streamMessageEvents(ctx.services, viewerOf(ctx), input, signal),
    ),
} satisfies TRPCRouterRecord;

function assistantOf(services: Services) {
  if (!services.assistant) {
    throw new TRPCError({ code: 'PRECONDITION_FAILED', message: 'No assistant is configured.' });
  }
  return services.assistant;
}
