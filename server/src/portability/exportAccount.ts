// The whole account as NDJSON chunks (lines.ts): the folders from their one
// document, sessions from the owner's index, each read from the session and its
// buckets by `_id`, a few buckets at a time, so memory stays the same whatever
// the account holds.
import { readFolders } from '../chat/folders';
import { toApiSession } from '../chat/mappers';
import { indexOf } from '../chat/sessionIndex';
import type { UserDoc } from '../db/documents';
import { asObjectId, idString, toObjectId } from '../db/ids';
import type { Services } from '../services';
import { accountFormat, accountFormatVersion, toLine } from './lines';
import { messageChunks } from './sessionMessages';

export interface AccountExportCounts {
  sessions: number;
  messages: number;
}

/** The export's text in chunks of whole lines; `counts` follows what has been written. */
export async function* exportAccount(
  services: Services,
  user: UserDoc,
  counts: AccountExportCounts = { sessions: 0, messages: 0 },
): AsyncGenerator<string> {
  const [index, stored] = await Promise.all([
    indexOf(services, user),
    readFolders(services, user._id),
  ]);
  const folders = [...stored.folders.values()].sort(
    (a, b) => a.created - b.created || (a.id < b.id ? -1 : 1),
  );
  // Oldest first, so an import replays the account in the order it grew.
  const entries = [...index.values()].sort(
    (a, b) => a.created - b.created || (a.id < b.id ? -1 : 1),
  );
  yield toLine({
    type: 'account',
    format: accountFormat,
    version: accountFormatVersion,
    exportedAt: new Date(),
    user: { id: idString(user._id), username: user.username, createdAt: user.created_at },
    folders: folders.length,
    sessions: entries.length,
    messages: entries.reduce((n, e) => n + e.count, 0),
  });
  for (const f of folders) {
    const { id, name } = f;
    yield toLine({
      type: 'folder',
      id,
      name,
      createdAt: new Date(f.created),
      updatedAt: new Date(f.updated),
    });
  }
  for (const entry of entries) {
    const doc = await services.db.sessions.findOne({ _id: toObjectId(entry.id) });
    // Gone meanwhile, or deleted for good since the export began.
    if (!doc || doc.purging || !asObjectId(doc.user_id)?.equals(user._id)) continue;
    const session = toApiSession(doc);
    // A folder deleted while its chats were being moved out: they belong to none now.
    if (session.folderId && !stored.folders.has(session.folderId)) session.folderId = null;
    yield toLine({ type: 'session', ...session });
    for await (const chunk of messageChunks(services, doc)) {
      counts.messages += chunk.length;
      yield chunk.map((m) => toLine({ type: 'message', ...m })).join('');
    }
    counts.sessions++;
  }
  yield toLine({ type: 'end', sessions: counts.sessions, messages: counts.messages });
}
