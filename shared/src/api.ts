import { z } from 'zod';
import { idSchema } from './ids';
import { limits } from './limits';
import { characterCount, contentSchema, titleSchema } from './text';

export const userSchema = z.object({
  id: idSchema,
  username: z.string(),
  createdAt: z.date(),
});
export type User = z.infer<typeof userSchema>;

export const authResultSchema = z.object({
  user: userSchema,
  accessToken: z.string(),
  accessTokenExpiresAt: z.date(),
  /** Present only when the caller asked for the refresh credential in the body. */
  refreshToken: z.string().optional(),
});
export type AuthResult = z.infer<typeof authResultSchema>;

export const sessionSchema = z.object({
  id: idSchema,
  userId: idSchema,
  title: z.string(),
  messageCount: z.number().int().nonnegative(),
  lastMessageAt: z.date().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
  deleted: z.boolean(),
  deletedAt: z.date().nullable(),
  pinned: z.boolean(),
  archived: z.boolean(),
  folderId: idSchema.nullable(),
});
export type Session = z.infer<typeof sessionSchema>;

export const roleSchema = z.enum(['user', 'assistant', 'system']);

export const messageSchema = z.object({
  id: idSchema,
  sessionId: idSchema,
  userId: idSchema,
  seq: z.number().int().positive(),
  role: roleSchema,
  content: z.string(),
  createdAt: z.date(),
  updatedAt: z.date(),
  /** The sender's idempotency key, so a client can match its optimistic copy. */
  clientId: z.string().nullable(),
});
export type Message = z.infer<typeof messageSchema>;

export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}
export const sessionPageSchema = pageSchema(sessionSchema);
export const messagePageSchema = pageSchema(messageSchema);

export const sessionViews = ['active', 'archived', 'trash'] as const;
export type SessionView = (typeof sessionViews)[number];

const cursorSchema = z.string({ error: 'Cursor must be text' }).min(1).max(200);

export const sessionCreateInput = z.object({ title: titleSchema.optional() }).optional();
export const sessionListInput = z
  .object({
    limit: z.number().int().min(1).max(limits.sessionPageMax).optional(),
    cursor: cursorSchema.nullish(),
    deleted: z.boolean().optional(),
    view: z.enum(sessionViews).optional(),
    /** One folder's sessions; null: those in no folder. */
    folderId: idSchema.nullish(),
  })
  .optional();
export const sessionIdInput = z.object({ id: idSchema });
export const sessionRenameInput = z.object({ id: idSchema, title: titleSchema });

export const sessionUpdateInput = z.object({
  id: idSchema,
  pinned: z.boolean().optional(),
  archived: z.boolean().optional(),
  /** The folder to move into; null: out of any folder. */
  folderId: idSchema.nullable().optional(),
});

export const bulkActions = [
  'delete',
  'restore',
  'archive',
  'unarchive',
  'pin',
  'unpin',
  'move',
  'purge',
] as const;
export type BulkAction = (typeof bulkActions)[number];

export const sessionBulkInput = z
  .object({
    ids: z.array(idSchema).min(1).max(limits.bulkMax),
    action: z.enum(bulkActions),
    folderId: idSchema.nullable().optional(),
  })
  .refine((v) => v.action !== 'move' || v.folderId !== undefined, {
    message: 'move needs a folderId (null: out of any folder)',
    path: ['folderId'],
  });
export const sessionBulkResultSchema = z.object({
  results: z.array(z.object({ id: idSchema, ok: z.boolean(), code: z.string().optional() })),
});
export type SessionBulkResult = z.infer<typeof sessionBulkResultSchema>;

export const folderSchema = z.object({
  id: idSchema,
  name: z.string(),
  sessionCount: z.number().int().nonnegative(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type Folder = z.infer<typeof folderSchema>;
export const folderListSchema = z.object({ items: z.array(folderSchema) });

/** A folder name: 1–100 characters once trimmed, stored trimmed. */
export const folderNameSchema = z
  .string({ error: 'Name must be text' })
  .max(limits.folderNameMax + limits.surroundingWhitespaceMax, {
    message: `Name must be at most ${limits.folderNameMax} characters`,
    abort: true,
  })
  .refine((s) => !s.includes('\u0000'), 'Name must not contain NUL characters')
  .transform((s) => s.trim())
  .refine((s) => s.length > 0, 'Name must not be empty')
  .refine(
    (s) => characterCount(s) <= limits.folderNameMax,
    `Name must be at most ${limits.folderNameMax} characters`,
  );
export const folderCreateInput = z.object({ name: folderNameSchema });
export const folderRenameInput = z.object({ id: idSchema, name: folderNameSchema });
export const folderIdInput = z.object({ id: idSchema });

export const messageSendInput = z.object({
  sessionId: idSchema,
  content: contentSchema,
  clientId: z.uuid({ error: 'clientId must be a UUID' }).optional(),
});
export const messageListInput = z.object({
  sessionId: idSchema,
  limit: z.number().int().min(1).max(limits.messagePageMax).optional(),
  cursor: cursorSchema.nullish(),
});
export const messageOnNewInput = z.object({
  sessionId: idSchema,
  lastEventId: z.string().max(40).nullish(),
});
export const sessionOnChangeInput = z
  .object({ lastEventId: z.string().max(80).nullish() })
  .optional();

export const sessionChangeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('created'), session: sessionSchema }),
  z.object({ kind: z.literal('renamed'), session: sessionSchema }),
  z.object({ kind: z.literal('deleted'), session: sessionSchema }),
  z.object({ kind: z.literal('restored'), session: sessionSchema }),
  z.object({ kind: z.literal('message'), session: sessionSchema, message: messageSchema }),
  /** Sent when resuming (the session as it is now), and for a pin, archive or move. */
  z.object({ kind: z.literal('updated'), session: sessionSchema }),
  /** Deleted for good: the session as it last was, its updatedAt the time of the purge. */
  z.object({ kind: z.literal('purged'), session: sessionSchema }),
]);
export type SessionChange = z.infer<typeof sessionChangeSchema>;

export const folderOnChangeInput = z
  .object({
    lastEventId: z.string().max(80).nullish(),
    /**
     * Also every session change, as session.onChange sends them (kind `folders` marks a
     * folder list then): one stream, so a browser tab holds one connection for both.
     */
    sessions: z.boolean().optional(),
  })
  .optional();
/** folder.onChange: the user's folders, all of them, as they are after each change. */
export const folderChangeSchema = z.object({ folders: z.array(folderSchema), at: z.date() });
export type FolderChange = z.infer<typeof folderChangeSchema>;

/** What folder.onChange sends with `sessions: true`: session changes and folder lists. */
export type SessionStreamEvent = SessionChange | { kind: 'folders'; folders: Folder[]; at: Date };
