// Parley's own account export read back (lines.ts), line by line: a session's
// messages are passed on as they are read, and the `end` line tells a whole file
// from one cut off, whose last session is then left out rather than half-imported.
import { folderNameSchema, roleSchema } from '@parley/shared';
import { z } from 'zod';
import { type ImportEvent, importedDate, importedTitle } from './imported';
import { importedContent } from './importedContent';
import { accountFormat } from './lines';

/** A line longer than this is no line Parley wrote: a message is at most ~200 KB of JSON. */
export const maxLineChars = 1024 * 1024;

const date = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

const accountLine = z.object({ type: z.literal('account'), format: z.literal(accountFormat) });
const sessionLine = z.object({
  type: z.literal('session'),
  id: z.string().min(1).max(100),
  title: z.string().max(10_000),
  createdAt: date,
  deleted: z.boolean(),
  deletedAt: date.nullable(),
  // Exports written before chats were organised have none of these.
  pinned: z.boolean().optional(),
  archived: z.boolean().optional(),
  folderId: z.string().max(100).nullable().optional(),
});
const folderLine = z.object({
  type: z.literal('folder'),
  id: z.string().min(1).max(100),
  name: folderNameSchema,
  createdAt: date,
  updatedAt: date,
});
const messageLine = z.object({
  type: z.literal('message'),
  sessionId: z.string(),
  role: roleSchema,
  content: z.string(),
  createdAt: date,
  updatedAt: date,
});
const lineType = z.object({ type: z.enum(['account', 'folder', 'session', 'message', 'end']) });

/** Lines of a text stream, each at most maxLineChars. */
export async function* linesOf(text: AsyncIterable<string>): AsyncGenerator<string> {
  let rest = '';
  for await (const chunk of text) {
    rest += chunk;
    let at = rest.indexOf('\n');
    while (at >= 0) {
      yield rest.slice(0, at);
      rest = rest.slice(at + 1);
      at = rest.indexOf('\n');
    }
    if (rest.length > maxLineChars)
      throw new FileError(`a line is longer than ${maxLineChars} characters`);
  }
  if (rest.trim()) yield rest;
}

/** The whole file is unreadable from here on. */
export class FileError extends Error {
  override name = 'FileError';
}

const issue = (e: z.ZodError) => {
  const first = e.issues[0];
  return first ? `${first.path.join('.') || 'line'}: ${first.message}` : 'invalid';
};

/** The session whose messages are being read. */
interface OpenSession {
  id: string;
  label: string;
  failed: boolean;
  /** Its messages with nothing in them (nothing a send would take), left out. */
  skipped: number;
  split: number;
  cut: number;
  /** The time of its latest message so far: what one with a date Parley cannot hold takes. */
  last: Date;
}

/** A Parley account export as import events; a FileError for what spoils the whole file. */
export async function* parleyEvents(text: AsyncIterable<string>): AsyncGenerator<ImportEvent> {
  let lineNo = 0;
  let current: OpenSession | null = null;
  let ended = false;
  const finish = function* (): Generator<ImportEvent> {
    if (current && !current.failed) {
      const { skipped, split, cut } = current;
      yield { type: 'finish', skipped, split, cut };
    }
    current = null;
  };
  for await (const line of linesOf(text)) {
    lineNo++;
    if (!line.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new FileError(`line ${lineNo} is not JSON`);
    }
    if (lineNo === 1) {
      if (!accountLine.safeParse(value).success) {
        throw new FileError('its first line is not the account line of a Parley export');
      }
      continue;
    }
    const kind = lineType.safeParse(value);
    if (!kind.success) throw new FileError(`line ${lineNo} is of no known type`);
    if (ended) throw new FileError(`line ${lineNo} follows the end line`);
    switch (kind.data.type) {
      case 'account':
        throw new FileError(`line ${lineNo} is a second account line`);
      case 'folder': {
        yield* finish();
        const f = folderLine.safeParse(value);
        if (!f.success) {
          const reason = `the folder is not valid (${issue(f.error)}); its chats go in no folder`;
          yield { type: 'fail', conversation: `line ${lineNo}`, reason };
          break;
        }
        const { id: sourceId, name } = f.data;
        const createdAt = importedDate(f.data.createdAt) ?? new Date();
        const updatedAt = importedDate(f.data.updatedAt) ?? createdAt;
        yield { type: 'folder', folder: { sourceId, name, createdAt, updatedAt } };
        break;
      }
      case 'end':
        yield* finish();
        ended = true;
        break;
      case 'session': {
        yield* finish();
        const s = sessionLine.safeParse(value);
        const label = `line ${lineNo}`;
        if (!s.success) {
          current = {
            id: '',
            label,
            failed: true,
            skipped: 0,
            split: 0,
            cut: 0,
            last: new Date(),
          };
          yield {
            type: 'fail',
            conversation: label,
            reason: `the session is not valid (${issue(s.error)})`,
          };
          break;
        }
        const title = importedTitle(s.data.title);
        const createdAt = importedDate(s.data.createdAt) ?? new Date();
        current = {
          id: s.data.id,
          label: `“${title}”`,
          failed: false,
          skipped: 0,
          split: 0,
          cut: 0,
          last: createdAt,
        };
        yield {
          type: 'start',
          conversation: {
            source: 'parley',
            sourceId: s.data.id,
            label: current.label,
            title,
            createdAt,
            deleted: s.data.deleted,
            deletedAt: s.data.deleted ? (importedDate(s.data.deletedAt) ?? createdAt) : null,
            pinned: s.data.pinned === true,
            archived: s.data.archived === true,
            folder: s.data.folderId ?? null,
          },
        };
        break;
      }
      case 'message': {
        if (!current) throw new FileError(`line ${lineNo} is a message outside any session`);
        if (current.failed) break;
        const m = messageLine.safeParse(value);
        const reason = !m.success
          ? `its message on line ${lineNo} is not valid (${issue(m.error)})`
          : m.data.sessionId !== current.id
            ? `the message on line ${lineNo} belongs to another session`
            : null;
        if (reason || !m.success) {
          current.failed = true;
          yield { type: 'fail', conversation: current.label, reason: reason ?? 'invalid' };
          break;
        }
        const { pieces, cut } = importedContent(m.data.content);
        if (pieces.length === 0) {
          current.skipped++;
          break;
        }
        if (pieces.length > 1) current.split++;
        if (cut) current.cut++;
        const { role } = m.data;
        const createdAt = importedDate(m.data.createdAt) ?? current.last;
        const updatedAt = importedDate(m.data.updatedAt) ?? createdAt;
        current.last = createdAt;
        for (const content of pieces) {
          yield { type: 'message', message: { role, content, createdAt, updatedAt } };
        }
        break;
      }
    }
  }
  if (lineNo === 0) throw new FileError('it is empty');
  if (!ended) {
    const open = current as { label: string; failed: boolean } | null;
    if (open && !open.failed) {
      yield {
        type: 'fail',
        conversation: open.label,
        reason: 'the file ends before this chat does',
      };
    }
    throw new FileError('it ends before its end line: the file was cut off');
  }
}
