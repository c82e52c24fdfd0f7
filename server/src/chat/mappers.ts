// The one place stored documents become API objects (ObjectIds become strings).
// They read what the old service could have written too: references as hex
// strings, missing dates and titles. A document no API object can stand for
// (an `_id` that is not an ObjectId) is left out of lists, and logged once.
import { defaultSessionTitle, type Message, type Session } from '@parley/shared';
import { ObjectId } from 'mongodb';
import type { BucketEntry, SessionDoc } from '../db/documents';
import { asObjectId, idString } from '../db/ids';
import { log } from '../log';
import { apiReplyFields } from './replyFields';

function dateOr(value: unknown, fallback: Date): Date {
  return value instanceof Date ? value : fallback;
}

/** message_count as stored, when it is a count at all (the old service's could be anything). */
export function storedCount(doc: SessionDoc): number {
  const n = doc.message_count as unknown;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : 0;
}

export function toApiSession(doc: SessionDoc): Session {
  const created = dateOr(doc.created_at, doc._id.getTimestamp());
  return {
    id: idString(doc._id),
    userId: idString(asObjectId(doc.user_id) ?? doc._id),
    title: typeof doc.title === 'string' && doc.title.trim() ? doc.title : defaultSessionTitle,
    messageCount: storedCount(doc),
    lastMessageAt: doc.last_message_at instanceof Date ? doc.last_message_at : null,
    createdAt: created,
    updatedAt: dateOr(doc.updated_at, created),
    deleted: doc.deleted === true,
    deletedAt: doc.deleted_at instanceof Date ? doc.deleted_at : null,
    pinned: doc.pinned === true,
    archived: doc.archived === true,
    folderId: doc.folder_id instanceof ObjectId ? doc.folder_id.toHexString() : null,
  };
}

const reported = new Set<string>();

/** False (and one log line per document) for a session no API object can stand for. */
export function isServable(doc: SessionDoc): boolean {
  if (doc._id instanceof ObjectId && asObjectId(doc.user_id)) return true;
  const key = JSON.stringify(doc._id) ?? String(doc._id);
  if (!reported.has(key) && reported.size < 1_000) {
    reported.add(key);
    log.warn('a chat_sessions document Parley cannot serve is left out; run `npm run doctor`', {
      _id: key,
    });
  }
  return false;
}

export function toApiMessage(entry: BucketEntry, sessionId: ObjectId): Message {
  return {
    id: idString(entry._id),
    sessionId: idString(sessionId),
    userId: idString(entry.user_id),
    seq: entry.seq,
    role: entry.role,
    content: entry.content,
    createdAt: entry.created_at,
    updatedAt: entry.updated_at,
    clientId: entry.client_id ?? null,
    ...apiReplyFields(entry),
    editedAt: entry.edited_at instanceof Date ? entry.edited_at : null,
  };
}
