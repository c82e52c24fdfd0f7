// An import from a received file: the format's events (chatgpt.ts, parleyFile.ts)
// stored conversation by conversation (sessionWriter.ts), with progress while it
// runs and one report at the end. One import runs at a time per user, and at
// most IMPORTS_AT_ONCE in a process.
import { createReadStream } from 'node:fs';
import { Transform } from 'node:stream';
import { limits } from '@parley/shared';
import type { Token } from 'stream-json/parser.js';
import { streamArray } from 'stream-json/streamers/stream-array.js';
import withParser from 'stream-json/utils/with-parser.js';
import { announceFolders } from '../chat/folders';
import type { UserDoc } from '../db/documents';
import { idString } from '../db/ids';
import { log } from '../log';
import type { Services } from '../services';
import { chatgptConversation } from './chatgpt';
import { FolderMatcher } from './folderMatcher';
import type { ImportEvent, ImportedConversation, ImportSource } from './imported';
import { maxPiecesPerMessage } from './importedContent';
import { FileError, parleyEvents } from './parleyFile';
import { claimConversation, SessionLimitReached, SessionWriter } from './sessionWriter';

export interface ImportCounts {
  sessions: number;
  messages: number;
  /** Turns left out on purpose: hidden, tool, and empty (nothing a send would take). */
  skipped: number;
  /** Folders made for the file's folders (the rest matched existing ones by name). */
  folders: number;
  /** Messages over the content limit, stored as several messages in a row. */
  split: number;
  /** Conversations an earlier import stored already. */
  alreadyImported: number;
}

export interface ImportError {
  conversation: string;
  reason: string;
}

export interface ImportProgress extends ImportCounts {
  type: 'progress';
  errors: number;
  bytesRead: number;
  bytesTotal: number;
}

export interface ImportReport extends ImportCounts {
  type: 'report';
  /** null when the file is of no format Parley reads. */
  format: ImportSource | null;
  errors: ImportError[];
}

/** Errors listed one by one in a report; more are counted in one last entry. */
const maxListedErrors = 200;
const chatTooLong = (limit: number) =>
  `it has more than ${limit.toLocaleString('en-US')} messages, the limit of one chat`;
const messagesCut = (n: number) => {
  const most = (maxPiecesPerMessage * limits.contentMax).toLocaleString('en-US');
  const which = n === 1 ? 'a message is' : `${n} messages are`;
  return `it was imported, but ${which} longer than ${most} characters (${maxPiecesPerMessage} messages of ${limits.contentMax.toLocaleString('en-US')}): the first ${most} were kept and the rest left out`;
};
const progressEveryMs = 200;

/** Why an import could not start: the account's one runs, or the process runs IMPORTS_AT_ONCE. */
export type ImportBusy = 'account' | 'server';

/**
 * Reserves the user's one import, one of the process's IMPORTS_AT_ONCE; why not
 * when another of the user's runs or the process runs its most. Call the
 * returned release when done.
 */
export function claimImportSlot(services: Services, user: UserDoc): (() => void) | ImportBusy {
  const users = services.imports;
  const key = idString(user._id);
  if (users.has(key)) return 'account';
  if (users.size >= services.config.importsAtOnce) return 'server';
  users.add(key);
  return () => users.delete(key);
}

/**
 * JSON values one ChatGPT conversation may hold, about 20,000 turns: what is
 * built of it in memory while it is read is bounded by this and by the
 * characters of its keys and strings (IMPORT_CONVERSATION_MAX_MB). A larger one
 * is left out as it is read, and reported; the rest of the file goes on.
 */
export const maxValuesPerConversation = 2_000_000;
const tooManyValues = `it is too large to read: more than ${maxValuesPerConversation.toLocaleString('en-US')} JSON values (about 20,000 turns)`;
const tooMuchText = (maxChars: number) =>
  `it is too large to read: more than ${Math.round(maxChars / 1024 ** 2).toLocaleString('en-US')} MiB of text (IMPORT_CONVERSATION_MAX_MB)`;

/**
 * Counts each conversation's values and characters as it is built, and gives up
 * on one past either bound. The places in the array of those given up on, in
 * order, and why, are `dropped`.
 */
function conversationSizeCheck(maxChars: number) {
  let values = 0;
  /** Characters of the conversation being read, counted by `count` before the streamer sees them. */
  let chars = 0;
  let depth = 0;
  /** Calls back at the array's level: the array's start, then one per conversation read. */
  let ends = -1;
  const dropped: Array<{ place: number; reason: string }> = [];
  const drop = (reason: string) => {
    values = 0;
    dropped.push({ place: ends + dropped.length, reason });
    return false as const; // what was built of it is let go; the rest of it is only counted
  };
  /** Sees each token just before the streamer does, also those of a conversation given up on. */
  const count = (token: Token) => {
    switch (token.name) {
      case 'startObject':
      case 'startArray':
        if (++depth === 2) chars = 0;
        break;
      case 'endObject':
      case 'endArray':
        depth--;
        break;
      case 'keyValue':
      case 'stringValue':
      case 'numberValue':
        chars += token.value.length;
        break;
    }
  };
  const objectFilter = (asm: { depth: number }): false | undefined => {
    if (asm.depth <= 1) {
      ends++;
      values = 0;
    } else if (++values > maxValuesPerConversation) return drop(tooManyValues);
    else if (chars > maxChars) return drop(tooMuchText(maxChars));
    return undefined;
  };
  return { count, objectFilter, dropped };
}

/** One conversation's events; one whose reading fails (nested too deep, say) is reported, not the file. */
function conversationEvents(raw: unknown, place: number): ImportEvent[] {
  try {
    return chatgptConversation(raw, place);
  } catch (e) {
    const why = (e as Error)?.message?.slice(0, 120) ?? String(e);
    return [
      { type: 'fail', conversation: `#${place + 1}`, reason: `it could not be read (${why})` },
    ];
  }
}

async function* chatgptEvents(
  stream: NodeJS.ReadableStream,
  maxChars: number,
): AsyncGenerator<ImportEvent> {
  const sizes = conversationSizeCheck(maxChars);
  // Values only: the parser's chunk tokens of every string would be made and dropped.
  const options = {
    streamValues: false,
    packKeys: true,
    objectFilter: sizes.objectFilter,
    includeUndecided: true,
  };
  const counted = (opts?: typeof options) => {
    const conversations = streamArray(opts);
    // A plain step, as the streamer itself is: the two run as one, token by token.
    const step = (token: Token) => {
      sizes.count(token);
      return conversations(token);
    };
    return step as unknown as typeof conversations;
  };
  const items = stream.pipe(withParser.asStream(counted, options));
  // The file's own read failures, told apart from the parser's.
  const unread = new Set<unknown>();
  stream.on('error', (e) => {
    unread.add(e);
    items.destroy(e);
  });
  // The parser may read ahead of this loop: places, not timing, say what was dropped where.
  let place = 0;
  let reported = 0;
  const leftOut = function* (): Generator<ImportEvent> {
    for (let d = sizes.dropped[reported]; d?.place === place; d = sizes.dropped[reported]) {
      reported++;
      yield { type: 'fail', conversation: `#${++place}`, reason: d.reason };
    }
  };
  try {
    for await (const item of items as AsyncIterable<{ value: unknown }>) {
      yield* leftOut();
      yield* conversationEvents(item.value, place++);
    }
    yield* leftOut();
  } catch (e) {
    if (e instanceof FileError) throw e;
    if (unread.has(e)) throw new FileError(`the file could not be read (${(e as Error).message})`);
    throw new FileError(
      `it stops being valid JSON part way (${(e as Error).message.slice(0, 120)}); a cut-off file reads so`,
    );
  }
}

export interface ReceivedFile {
  path: string;
  bytes: number;
  bomBytes: number;
  format: ImportSource;
}

export async function importFile(
  services: Services,
  user: UserDoc,
  file: ReceivedFile,
  onProgress: (p: ImportProgress) => Promise<void>,
  signal?: AbortSignal,
): Promise<ImportReport> {
  const counts: ImportCounts = {
    sessions: 0,
    messages: 0,
    skipped: 0,
    folders: 0,
    split: 0,
    alreadyImported: 0,
  };
  const errors: ImportError[] = [];
  let errorCount = 0;
  const addError = (conversation: string, reason: string) => {
    errorCount++;
    if (errors.length < maxListedErrors) errors.push({ conversation, reason });
  };
  let bytesRead = file.bomBytes;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytesRead += chunk.length;
      done(null, chunk);
    },
  });
  const source = createReadStream(file.path, { start: file.bomBytes });
  source.on('error', (e) => counter.destroy(e));
  const stream = source.pipe(counter);
  const progress = () =>
    onProgress({
      type: 'progress',
      ...counts,
      errors: errorCount,
      bytesRead,
      bytesTotal: file.bytes,
    });
  let lastProgress = 0;
  // Chats stored into folders, and how many of them open views were told the counts of.
  let filed = 0;
  let announced = 0;
  const announce = async () => {
    if (filed === announced) return;
    announced = filed;
    await announceFolders(services, user).catch(() => {}); // only news: the chats are stored
  };
  const tick = async () => {
    if (Date.now() - lastProgress < progressEveryMs) return;
    lastProgress = Date.now();
    await progress();
    await announce();
  };

  const events =
    file.format === 'chatgpt'
      ? chatgptEvents(stream, services.config.importConversationMaxChars)
      : parleyEvents(stream.setEncoding('utf8') as AsyncIterable<string>);
  let writer: SessionWriter | null = null;
  let current: ImportedConversation | null = null;
  const folders = new FolderMatcher(services, user);
  const drop = async () => {
    const w = writer;
    writer = null;
    await w?.abandon();
  };
  try {
    await progress();
    for await (const event of events) {
      if (event.type !== 'folder') counts.folders += await folders.settle();
      switch (event.type) {
        case 'folder':
          counts.folders += await folders.add(event.folder);
          break;
        case 'start': {
          if (signal?.aborted) throw new FileError('the import was cancelled');
          current = event.conversation;
          const claim = await claimConversation(services, user, event.conversation);
          if (claim.kind === 'new') writer = new SessionWriter(services, user, claim);
          else if (claim.kind === 'imported') counts.alreadyImported++;
          else addError(current.label, 'another import is storing it right now');
          break;
        }
        case 'message':
          if (writer && current && writer.count >= services.config.messagesPerSession) {
            // Refused whole, and dropped now: what is stored of it stays bounded.
            await drop();
            addError(current.label, chatTooLong(services.config.messagesPerSession));
          } else await writer?.add(event.message);
          break;
        case 'finish': {
          const w = writer;
          if (!w || !current) break;
          writer = null;
          try {
            const doc = await w.finish(current, folders.idOf(current.folder));
            if (doc.folder_id) filed++;
            counts.sessions++;
            counts.messages += w.count;
            counts.skipped += event.skipped;
            counts.split += event.split;
            if (event.cut > 0) addError(current.label, messagesCut(event.cut));
          } catch (e) {
            if (!(e instanceof SessionLimitReached)) throw e;
            await w.abandon();
            addError(current.label, e.message);
          }
          await tick();
          break;
        }
        case 'fail':
          await drop();
          addError(event.conversation, event.reason);
          await tick();
          break;
        case 'skip':
          counts.skipped += event.count;
          break;
      }
    }
    // A file of folders and no chats still brings its folders.
    counts.folders += await folders.settle();
  } catch (e) {
    await drop().catch(() => {});
    if (e instanceof FileError) addError('the file', `The import stopped: ${e.message}.`);
    else {
      log.error('import failed', {
        user: idString(user._id),
        error: (e as Error)?.stack ?? String(e),
      });
      addError(
        'the file',
        'The import stopped: Parley could not store it. Nothing of the chat in progress was kept.',
      );
    }
  } finally {
    source.destroy();
  }
  const overCap = folders.overCap;
  if (overCap > 0) {
    addError(
      'folders',
      `${overCap} ${overCap === 1 ? 'folder was' : 'folders were'} not created: the account has reached its limit of ${limits.foldersPerUser} folders. Their chats were imported outside any folder.`,
    );
  }
  // The folders' counts have moved: open views get them as progress goes, not per chat.
  await announce();
  if (errorCount > errors.length) {
    errors.push({
      conversation: 'more',
      reason: `${errorCount - errors.length} more conversations could not be imported`,
    });
  }
  await progress();
  return { type: 'report', format: file.format, ...counts, errors };
}
