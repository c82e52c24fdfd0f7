// One chat as a download: Markdown for people (a title, then each message under
// its role and time, its text verbatim, so code blocks survive) or JSON for
// programs (the API's session and every message in order). Both are produced in
// chunks, so a long chat is never one string.
import type { Message, Session } from '@parley/shared';
import { toApiSession } from '../chat/mappers';
import { loadOwnedSession } from '../chat/sessions';
import type { UserDoc } from '../db/documents';
import type { Services } from '../services';
import { fileStem } from './fileName';
import { messageChunks } from './sessionMessages';

export type SessionExportFormat = 'markdown' | 'json';

export interface SessionExport {
  fileName: string;
  contentType: string;
  /** The file's text in order; throws only before the first chunk (a missing session). */
  chunks: AsyncGenerator<string>;
}

const roleNames = { user: 'User', assistant: 'Assistant', system: 'System' } as const;

const when = (d: Date) => `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;

function markdownMessage(m: Message): string {
  // A fence inside the text cannot end a heading, so the text goes in as written.
  return `### ${roleNames[m.role]} · ${when(m.createdAt)}\n\n${m.content}\n\n`;
}

/** Characters of a chat's messages kept from the counting read at most: a longer chat is read again. */
const keptChars = 1_000_000;

async function* markdown(session: Session, messages: () => AsyncGenerator<Message[]>) {
  // The header counts what the file holds, deleted messages left out: the messages are
  // counted first, kept if they are few, else read again (the same seqs) to be written;
  // one deleted or restored between those two reads is as the second finds it.
  let count = 0;
  let chars = 0;
  let kept: Message[][] | null = [];
  for await (const chunk of messages()) {
    count += chunk.length;
    if (!kept) continue;
    for (const m of chunk) chars += m.content.length;
    if (chars > keptChars) kept = null;
    else kept.push(chunk);
  }
  const noun = count === 1 ? 'message' : 'messages';
  yield `# ${session.title}\n\n_${count} ${noun}, started ${when(session.createdAt)}, exported from Parley._\n\n`;
  // A rule between every two messages, those of two chunks too.
  let first = true;
  for await (const chunk of kept ? listed(kept) : messages()) {
    if (chunk.length === 0) continue;
    yield (first ? '' : '---\n\n') + chunk.map(markdownMessage).join('---\n\n');
    first = false;
  }
}

async function* listed(chunks: Message[][]) {
  yield* chunks;
}

async function* json(session: Session, messages: AsyncGenerator<Message[]>) {
  yield `{"session":${JSON.stringify(session)},"messages":[`;
  let first = true;
  for await (const chunk of messages) {
    if (chunk.length === 0) continue;
    yield (first ? '' : ',') + chunk.map((m) => JSON.stringify(m)).join(',');
    first = false;
  }
  yield ']}\n';
}

/** The user's session as a file; someone else's or a missing one is NOT_FOUND. */
export async function exportSession(
  services: Services,
  user: UserDoc,
  sessionId: string,
  format: SessionExportFormat,
): Promise<SessionExport> {
  const doc = await loadOwnedSession(services, user._id, sessionId);
  const session = toApiSession(doc);
  // Both reads of a Markdown export end at the count the session has now.
  const messages = () => messageChunks(services, doc);
  const stem = fileStem(session.title);
  return format === 'markdown'
    ? {
        fileName: `${stem}.md`,
        contentType: 'text/markdown; charset=utf-8',
        chunks: markdown(session, messages),
      }
    : {
        fileName: `${stem}.json`,
        contentType: 'application/json; charset=utf-8',
        chunks: json(session, messages()),
      };
}
