import {
  assistantStateSchema,
  defaultSessionTitle,
  limits,
  sessionAssistantInput,
  sessionCreateInput,
  sessionIdInput,
  sessionListInput,
  sessionOnChangeInput,
  sessionPageSchema,
  sessionRenameInput,
  sessionSchema,
} from '@parley/shared';
import type { TRPCRouterRecord } from '@trpc/server';
import { setSessionAssistant } from '../assistant/service';
import { toApiSession } from '../chat/mappers';
import {
  createSession,
  deleteSession,
  listSessions,
  loadOwnedSession,
  renameSession,
  restoreSession,
} from '../chat/sessions';
import { streamSessionChanges } from '../realtime/sessionChangeStream';
import { protectedProcedure, viewerOf } from '../trpc/init';
import { parsed } from '../trpc/schemas';

export const sessionRouter = {
  create: protectedProcedure
    .input(parsed(sessionCreateInput))
    .output(parsed(sessionSchema))
    .mutation(({ ctx, input }) =>
      createSession(ctx.services, ctx.user, input?.title ?? defaultSessionTitle),
    ),

  list: protectedProcedure
    .input(parsed(sessionListInput))
    .output(parsed(sessionPageSchema))
    .query(({ ctx, input }) =>
      listSessions(ctx.services, ctx.user, {
        limit: input?.limit ?? limits.sessionPageDefault,
        cursor: input?.cursor,
        deleted: input?.deleted ?? false,
      }),
    ),

  get: protectedProcedure
    .input(parsed(sessionIdInput))
    .output(parsed(sessionSchema))
    .query(async ({ ctx, input }) =>
      toApiSession(await loadOwnedSession(ctx.services, ctx.user._id, input.id)),
    ),

  rename: protectedProcedure
    .input(parsed(sessionRenameInput))
    .output(parsed(sessionSchema))
    .mutation(({ ctx, input }) => renameSession(ctx.services, ctx.user, input.id, input.title)),

  delete: protectedProcedure
    .input(parsed(sessionIdInput))
    .output(parsed(sessionSchema))
    .mutation(({ ctx, input }) => deleteSession(ctx.services, ctx.user, input.id)),

  restore: protectedProcedure
    .input(parsed(sessionIdInput))
    .output(parsed(sessionSchema))
    .mutation(({ ctx, input }) => restoreSession(ctx.services, ctx.user, input.id)),

  /** The per-session assistant toggle (kept apart from session.update, which others extend). */
  setAssistant: protectedProcedure
    .input(parsed(sessionAssistantInput))
    .output(parsed(assistantStateSchema))
    .mutation(({ ctx, input }) => setSessionAssistant(ctx.services, ctx.user, input.id, input.on)),

  onChange: protectedProcedure
    .input(parsed(sessionOnChangeInput))
    .subscription(({ ctx, input, signal }) =>
      streamSessionChanges(ctx.services, viewerOf(ctx), input, signal),
    ),
} satisfies TRPCRouterRecord;
