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
import { setSessionAssistant } from '../assistant/switch';
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
import { protectedProcedure, userMutation, viewerOf } from '../trpc/init';
import { parsed } from '../trpc/schemas';

type TrackedChange = ReturnType<typeof tracked<SessionChange>>;

const okSchema = z.object({ ok: z.literal(true) });

export const sessionRouter = {
  create: userMutation(sessionCreateInput, sessionSchema, (services, user, input) =>
    createSession(services, user, input?.title ?? defaultSessionTitle),
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

  rename: userMutation(sessionRenameInput, sessionSchema, (services, user, input) =>
    renameSession(services, user, input.id, input.title),
  ),

  delete: userMutation(sessionIdInput, sessionSchema, (services, user, input) =>
    deleteSession(services, user, input.id),
  ),

  restore: userMutation(sessionIdInput, sessionSchema, (services, user, input) =>
    restoreSession(services, user, input.id),
  ),

  /** The per-session assistant toggle (kept apart from session.update, which others extend). */
  setAssistant: userMutation(sessionAssistantInput, assistantStateSchema, (services, user, input) =>
    setSessionAssistant(services, user, input.id, input.on),
  ),

  update: userMutation(sessionUpdateInput, sessionSchema, (services, user, input) =>
    updateSession(services, user, input.id, input),
  ),

  bulk: userMutation(sessionBulkInput, sessionBulkResultSchema, bulkSessions),

  purge: userMutation(sessionIdInput, okSchema, async (services, user, input) => {
    await purgeSession(services, user._id, input.id);
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
