import {
  limits,
  messageEditInput,
  messageIdInput,
  messageListInput,
  messageOnChangeInput,
  messageOnNewInput,
  messagePageSchema,
  messageSchema,
  messageSendInput,
} from '@parley/shared';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { deleteMessage, editMessage, restoreMessage } from '../chat/messageEdits';
import { listMessages, sendMessage } from '../chat/messages';
import { streamMessageEvents, streamMessages } from '../realtime/messageStream';
import { protectedProcedure } from '../trpc/init';
import { parsed } from '../trpc/schemas';

const okSchema = z.object({ ok: z.literal(true) });

export const messageRouter = {
  send: protectedProcedure
    .input(parsed(messageSendInput))
    .output(parsed(messageSchema))
    .mutation(({ ctx, input }) => sendMessage(ctx.services, ctx.user, input)),

  list: protectedProcedure
    .input(parsed(messageListInput))
    .output(parsed(messagePageSchema))
    .query(({ ctx, input }) =>
      listMessages(ctx.services, ctx.user, {
        sessionId: input.sessionId,
        limit: input.limit ?? limits.messagePageDefault,
        cursor: input.cursor,
      }),
    ),

  edit: protectedProcedure
    .input(parsed(messageEditInput))
    .output(parsed(messageSchema))
    .mutation(({ ctx, input }) => editMessage(ctx.services, ctx.user, input.id, input.content)),

  delete: protectedProcedure
    .input(parsed(messageIdInput))
    .output(parsed(okSchema))
    .mutation(async ({ ctx, input }) => {
      await deleteMessage(ctx.services, ctx.user, input.id);
      return { ok: true as const };
    }),

  /** Undo of a delete. */
  restore: protectedProcedure
    .input(parsed(messageIdInput))
    .output(parsed(messageSchema))
    .mutation(({ ctx, input }) => restoreMessage(ctx.services, ctx.user, input.id)),

  onNew: protectedProcedure
    .input(parsed(messageOnNewInput))
    .subscription(({ ctx, input, signal }) => streamMessages(ctx, input, signal)),

  /** onNew's stream with edits, deletes and restores too: what a conversation view follows. */
  onChange: protectedProcedure
    .input(parsed(messageOnChangeInput))
    .subscription(({ ctx, input, signal }) => streamMessageEvents(ctx, input, signal)),
} satisfies TRPCRouterRecord;
