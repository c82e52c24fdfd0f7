import {
  limits,
  messageListInput,
  messageOnNewInput,
  messagePageSchema,
  messageSchema,
  messageSendInput,
} from '@parley/shared';
import type { TRPCRouterRecord } from '@trpc/server';
import { listMessages, sendMessage } from '../chat/messages';
import { streamMessages } from '../realtime/messageStream';
import { protectedProcedure } from '../trpc/init';
import { parsed } from '../trpc/schemas';

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
        aroundSeq: input.aroundSeq,
      }),
    ),

  onNew: protectedProcedure
    .input(parsed(messageOnNewInput))
    .subscription(({ ctx, input, signal }) => streamMessages(ctx, input, signal)),
} satisfies TRPCRouterRecord;
