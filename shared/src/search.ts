// search.query: full-text search over the caller's chats (titles and messages).
import { z } from 'zod';
import { messageSchema, sessionSchema } from './api';
import { idSchema } from './ids';

export const searchLimits = {
  queryMax: 200,
  pageDefault: 20,
  pageMax: 50,
  /** Snippets are cut to about this many characters around the match. */
  snippetMax: 200,
} as const;

export const searchQueryInput = z.object({
  q: z
    .string({ error: 'Search text must be text' })
    .trim()
    .min(1, 'Type something to search for')
    .max(searchLimits.queryMax, `Search text is at most ${searchLimits.queryMax} characters`),
  limit: z.number().int().min(1).max(searchLimits.pageMax).optional(),
  cursor: z.string({ error: 'Cursor must be text' }).min(1).max(200).nullish(),
  folderId: idSchema.nullish(),
  includeArchived: z.boolean().optional(),
});
export type SearchQueryInput = z.infer<typeof searchQueryInput>;

export const searchHitSchema = z.object({
  session: sessionSchema,
  /** Null when the chat's title matched. */
  message: messageSchema.nullable(),
  /** Plain text around the match, at most about searchLimits.snippetMax characters. */
  snippet: z.string(),
  /** [start, end) offsets into snippet. */
  highlights: z.array(z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()])),
});
export type SearchHit = z.infer<typeof searchHitSchema>;

export const searchResultSchema = z.object({
  items: z.array(searchHitSchema),
  nextCursor: z.string().nullable(),
  /** True while the caller's index is being built: the items are what it holds so far. */
  indexing: z.boolean(),
  /**
   * True when the search stopped at its work limit: the items are the matches found
   * so far, the rest was not looked at (no nextCursor); more words narrow it.
   */
  cut: z.boolean().optional(),
});
export type SearchResult = z.infer<typeof searchResultSchema>;
