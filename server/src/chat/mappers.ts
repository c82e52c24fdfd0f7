// The one place stored documents become API objects (ObjectIds become strings).
import type { Message, Session } from '@parley/shared';
import type { ObjectId } from 'mongodb';
import type { BucketEntry, SessionDoc } from '../db/documents';
import { idString } from '../db/ids';

export function toApiSession(doc: SessionDoc): Session {
  return {
    id: idString(doc._id),
    userId: idString(doc.user_id),
    title: doc.title,
    messageCount: doc.message_count ?? 0,
    lastMessageAt: doc.last_message_at ?? null,
    createdAt: doc.created_at,
    updatedAt: doc.updated_at,
    deleted: doc.deleted === true,
    deletedAt: doc.deleted_at ?? null,
  };
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
  };
}
