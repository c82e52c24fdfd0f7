import {
  folderCreateInput,
  folderIdInput,
  folderListSchema,
  folderOnChangeInput,
  folderRenameInput,
  folderSchema,
  idSchema,
} from '@parley/shared';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { createFolder, deleteFolder, listFolders, renameFolder } from '../chat/folders';
import { leaveFolder } from '../chat/sessions';
import { streamFolderChanges } from '../realtime/folderChangeStream';
import { streamSessionChanges } from '../realtime/sessionChangeStream';
import { protectedProcedure, viewerOf } from '../trpc/init';
import { parsed } from '../trpc/schemas';

export const folderRouter = {
  list: protectedProcedure
    .output(parsed(folderListSchema))
    .query(async ({ ctx }) => ({ items: await listFolders(ctx.services, ctx.user) })),

  create: protectedProcedure
    .input(parsed(folderCreateInput))
    .output(parsed(folderSchema))
    .mutation(({ ctx, input }) => createFolder(ctx.services, ctx.user, input.name)),

  rename: protectedProcedure
    .input(parsed(folderRenameInput))
    .output(parsed(folderSchema))
    .mutation(({ ctx, input }) => renameFolder(ctx.services, ctx.user, input.id, input.name)),

  delete: protectedProcedure
    .input(parsed(folderIdInput))
    // `moved`: the chats it held (at most the per-user cap), for an Undo to move back.
    .output(parsed(z.object({ ok: z.literal(true), moved: z.array(idSchema) })))
    .mutation(async ({ ctx, input }) => {
      const moved = await deleteFolder(ctx.services, ctx.user, input.id, (sessionId) =>
        leaveFolder(ctx.services, ctx.user, sessionId, input.id),
      );
      return { ok: true as const, moved };
    }),

  onChange: protectedProcedure.input(parsed(folderOnChangeInput)).subscription(async function* ({
    ctx,
    input,
    signal,
  }) {
    if (input?.sessions)
      yield* streamSessionChanges(ctx.services, viewerOf(ctx), input, signal, { folders: true });
    else yield* streamFolderChanges(ctx.services, viewerOf(ctx), input, signal);
  }),
} satisfies TRPCRouterRecord;
