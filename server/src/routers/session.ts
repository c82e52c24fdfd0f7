import {
  assistantStateSchema,
  defaultSessionTitle,
  limits,
  type SessionChange,
  sessionAssistantInput,
  sessionBulkInput,
  sessionBulkResultSchema,
  sessionCreateInput,
  sessionIdInput,
  sessionListInput,
  sessionOnChangeInput,
  sessionPageSchema,
  sessionRenameInput,
  sessionSchema,
  sessionUpdateInput,
} from '@parley/shared';
import type { TRPCRouterRecord, tracked } from '@trpc/server';
import { z } from 'zod';
import { setSessionAssistant } from '../assistant/service';
import { bulkSessions } from '../chat/bulk';
import { toApiSession } from '../chat/mappers';
import { emptyTrash, purgeSession } from '../chat/purge';
import {
  createSession,
  deleteSession,
  listSessions,
  loadOwnedSession,
  renameSession,
  restoreSession,
  updateSession,
} from '../chat/sessions';
import { streamSessionChanges } from '../realtime/sessionChangeStream';
import { protectedProcedure, viewerOf } from '../trpc/init';
import { parsed } from '../trpc/schemas';

type TrackedChange = ReturnType<typeof tracked<SessionChange>>;

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
        view: input?.view ?? (input?.deleted ? 'trash' : 'active'),
        folderId: input?.folderId,
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

  update: protectedProcedure
    .input(parsed(sessionUpdateInput))
    .output(parsed(sessionSchema))
    .mutation(({ ctx, input }) => updateSession(ctx.services, ctx.user, input.id, input)),

  bulk: protectedProcedure
    .input(parsed(sessionBulkInput))
    .output(parsed(sessionBulkResultSchema))
    .mutation(({ ctx, input }) => bulkSessions(ctx.services, ctx.user, input)),

  purge: protectedProcedure
    .input(parsed(sessionIdInput))
    .output(parsed(z.object({ ok: z.literal(true) })))
    .mutation(async ({ ctx, input }) => {
      await purgeSession(ctx.services, ctx.user._id, input.id);
      return { ok: true as const };
    }),

  emptyTrash: protectedProcedure
    .output(parsed(z.object({ purged: z.number().int().nonnegative() })))
    .mutation(async ({ ctx }) => ({ purged: await emptyTrash(ctx.services, ctx.user) })),

  onChange: protectedProcedure
    .input(parsed(sessionOnChangeInput))
    // Without the folders option the stream yields session changes only.
    .subscription(
      ({ ctx, input, signal }) =>
        streamSessionChanges(ctx.services, viewerOf(ctx), input, signal) as AsyncGenerator<
          TrackedChange,
          void
        >,
    ),
} satisfies TRPCRouterRecord;
