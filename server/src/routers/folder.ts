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
import { streamFolderChanges } from '../realtime/folderChangeStream';
import { streamSessionChanges } from '../realtime/sessionChangeStream';
import { protectedProcedure, userMutation, viewerOf } from '../trpc/init';
import { parsed } from '../trpc/schemas';

const folderDeleteSchema = z.object({ ok: z.literal(true), moved: z.array(idSchema) });

export const folderRouter = {
  list: protectedProcedure
    .output(parsed(folderListSchema))
    .query(async ({ ctx }) => ({ items: await listFolders(ctx.services, ctx.user) })),

  create: userMutation(folderCreateInput, folderSchema, (services, user, input) =>
    createFolder(services, user, input.name),
  ),

  rename: userMutation(folderRenameInput, folderSchema, (services, user, input) =>
    renameFolder(services, user, input.id, input.name),
  ),

  // `moved`: the chats it held (at most the per-user cap), for an Undo to move back.
  delete: userMutation(folderIdInput, folderDeleteSchema, async (services, user, input) => ({
    ok: true as const,
    moved: await deleteFolder(services, user, input.id),
  })),

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
