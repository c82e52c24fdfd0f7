// Edit, delete and restore of a person's own messages. Each is a bounded set of
// `_id` writes under the session's lock: the message, its entry in the bucket (in
// place, by its index: FerretDB v1 has no positional or arrayFilters update), and
// the session's change counter and recent changes, which live streams resume by.
// A deleted message keeps its seq and its bucket entry (marked), so seqs are never reused.
import type { Message } from '@parley/shared';
import type { MessageChangeRecord, MessageDoc, SessionDoc, UserDoc } from '../db/documents';
import { asObjectId, idString, toObjectId } from '../db/ids';
import { Refusal } from '../lib/refusal';
import { publishMessageChange } from '../realtime/channels';
import type { Services } from '../services';
import { withChanges } from './changeRecords';
import { markDamaged } from './damage';
import { toApiMessage } from './mappers';
import { readMessages } from './messages';
import { rewriteEntry, toEntry } from './readModel';
import { entryOf, withIndexEntry } from './sessionIndex';
import { loadOwnedSession, sessionLockKey } from './sessions';
import { trashed, untrashed } from './softDelete';

type ChangeKind = MessageChangeRecord['kind'];
type Numbered = MessageDoc & { seq: number };

/** Someone else's message is exactly as missing as none. */
const messageNotFound = () => new Refusal({ code: 'NOT_FOUND', message: 'Message not found.' });

const inTrash = () =>
  new Refusal({
    code: 'PRECONDITION_FAILED',
    message: 'This session is in the trash. Restore it to change its messages.',
  });

/** The message by _id if the user wrote it. */
async function loadOwnMessage(services: Services, user: UserDoc, id: string) {
  const doc = await services.db.messages.findOne({ _id: toObjectId(id) });
  if (!doc || !asObjectId(doc.user_id)?.equals(user._id)) return null;
  return doc;
}

/** The session by _id, the user's, as NOT_FOUND for the message otherwise. */
async function loadSessionOf(services: Services, user: UserDoc, sessionId: string) {
  try {
    return await loadOwnedSession(services, user._id, sessionId);
  } catch {
    throw messageNotFound();
  }
}

/**
 * Loads the caller's message and its session, and applies `change` under the session's
 * lock: null from `change` leaves everything as it is. Publishes the change once stored.
 */
async function changeMessage(
  services: Services,
  user: UserDoc,
  id: string,
  kind: ChangeKind,
  change: (doc: Numbered, now: Date) => Partial<MessageDoc> | null,
): Promise<Message> {
  const found = await loadOwnMessage(services, user, id);
  const sessionRef = found && asObjectId(found.session_id);
  if (!sessionRef) throw messageNotFound();
  const sessionId = idString(sessionRef);
  // A session the old service wrote gets its read model (and so its seqs) first, under its
  // lock; so does one a half-done change left, whose retry then finds nothing left to do.
  const opened = await loadSessionOf(services, user, sessionId);
  if (opened.read_model !== 1 || typeof found.seq !== 'number' || services.damaged.has(sessionId)) {
    await readMessages(services, opened, () => [1, 0]);
  }
  const done = await services.locks.run(sessionLockKey(sessionId), async () => {
    const session = await loadSessionOf(services, user, sessionId);
    if (session.deleted) throw inTrash();
    const current = await loadOwnMessage(services, user, id);
    if (!current || typeof current.seq !== 'number') throw messageNotFound();
    const doc = current as Numbered;
    const set = change(doc, new Date());
    if (!set) return { message: doc, n: null };
    const next: Numbered = { ...doc, ...set };
    await services.db.messages.updateOne({ _id: doc._id }, { $set: set });
    try {
      const rewritten = await rewriteEntry(services.db, session._id, next.seq, next._id, () =>
        toEntry(next),
      );
      const changes = withChanges(session, [{ seq: doc.seq, kind }]);
      const n = changes.change_count ?? 0;
      const sessionSet: Partial<SessionDoc> = {
        ...changes,
        // A bucket without the entry is a broken read model: the next read rebuilds it from `messages`.
        ...(rewritten ? {} : { read_model: 0 }),
      };
      await withIndexEntry(services, user, entryOf(session), () =>
        services.db.sessions.updateOne({ _id: session._id }, { $set: sessionSet }),
      );
      return { message: next, n };
    } catch (e) {
      // The message holds the change and its page may not: a retry finds nothing left
      // to do, so the page is rebuilt from `messages` before the chat is next read (or
      // the change retried), and the rebuild announces the change.
      markDamaged(services, sessionId, { seq: doc.seq, kind });
      throw e;
    }
  });
  if (done.n !== null) await publishMessageChange(services, idString(user._id), sessionId, done.n);
  return toApiMessage(toEntry(done.message), sessionRef);
}

/** Replaces the content of the caller's own message; its seq stays, editedAt is set. */
export function editMessage(services: Services, user: UserDoc, id: string, content: string) {
  return changeMessage(services, user, id, 'edited', (doc, now) => {
    if (doc.deleted) throw messageNotFound();
    if (doc.role !== 'user') {
      throw new Refusal({
        code: 'BAD_REQUEST',
        message: 'Only your own messages can be edited.',
      });
    }
    if (doc.content === content) return null;
    return { content, updated_at: now, edited_at: now };
  });
}

/** Soft-deletes the caller's own message (deleted / deleted_at); deleting it again changes nothing. */
export function deleteMessage(services: Services, user: UserDoc, id: string) {
  return changeMessage(services, user, id, 'deleted', (doc, now) => trashed(doc, now));
}

/** Brings back a message the caller deleted (Undo); a message not deleted is left as it is. */
export function restoreMessage(services: Services, user: UserDoc, id: string) {
  return changeMessage(services, user, id, 'restored', (doc, now) => untrashed(doc, now));
}
