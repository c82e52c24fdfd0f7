import { z } from 'zod';
import { idSchema } from './ids';
import { limits } from './limits';
import { characterCount, contentSchema, isWellFormed, titleSchema } from './text';

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

export const replyStatusSchema = z.enum(['streaming', 'done', 'stopped', 'failed', 'interrupted']);
export type ReplyStatus = z.infer<typeof replyStatusSchema>;

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
  /** Assistant replies only: 'streaming' while the draft grows, then how it ended. */
  status: replyStatusSchema.optional(),
  /** Why a reply failed or was cut short (shown on it; regenerate retries). */
  error: z.string().nullable().optional(),
  /** The model that wrote an assistant reply. */
  model: z.string().optional(),
  /** Earlier texts of a regenerated reply, oldest first. */
  previous: z.array(z.string()).optional(),
  /** When the content was last edited; null for a message never edited. */
  editedAt: z.date().nullable(),
});
export type Message = z.infer<typeof messageSchema>;

export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}
export const sessionPageSchema = pageSchema(sessionSchema);
/** A page of messages: nextCursor walks to older pages, prevCursor to newer ones (null at the newest). */
export const messagePageSchema = pageSchema(messageSchema).extend({
  prevCursor: z.string().nullable(),
  /** The session's changes (edits, deletes) so far: message.onChange resumes after `<newest seq>:<this>`. */
  changeCount: z.number().int().nonnegative().optional(),
});

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
  .refine(isWellFormed, 'Name must not contain unpaired surrogate characters')
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
  /** Answers the page holding this seq (a hit opened in context); not with a cursor. */
  aroundSeq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
});
export const messageOnNewInput = z.object({
  sessionId: idSchema,
  lastEventId: z.string().max(40).nullish(),
});
/** message.onChange: the same stream as onNew, with edits and deletes too (MessageEvents). */
export const messageOnChangeInput = messageOnNewInput;
export const messageEditInput = z.object({ id: idSchema, content: contentSchema });
export const messageIdInput = z.object({ id: idSchema });

/**
 * What message.onChange yields: each new message, each edit, delete and
 * restore (the message as it is now), and `reset` when a resume is too old to replay
 * the changes missed: the client then reloads the conversation.
 */
export const messageEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('new'), message: messageSchema }),
  z.object({ kind: z.literal('edited'), message: messageSchema }),
  z.object({ kind: z.literal('deleted'), message: messageSchema }),
  z.object({ kind: z.literal('restored'), message: messageSchema }),
  z.object({ kind: z.literal('reset') }),
]);
export type MessageEvent = z.infer<typeof messageEventSchema>;
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
