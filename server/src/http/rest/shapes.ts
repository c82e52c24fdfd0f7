// The seed's response shapes: snake_case fields, `_id` as a 24-hex string, dates
// as ISO strings. Built from the API objects the procedures return.
import type { Message, Session } from '@parley/shared';

export interface SeedSession {
  _id: string;
  user_id: string;
  title: string;
  message_count: number;
  last_message_at: string | null;
  created_at: string;
  updated_at: string;
  deleted: boolean;
  deleted_at: string | null;
}

export interface SeedMessage {
  _id: string;
  session_id: string;
  user_id: string;
  content: string;
  role: Message['role'];
  created_at: string;
  updated_at: string;
  deleted: boolean;
  deleted_at: string | null;
}

export function toSeedSession(s: Session): SeedSession {
  return {
    _id: s.id,
    user_id: s.userId,
    title: s.title,
    message_count: s.messageCount,
    last_message_at: s.lastMessageAt?.toISOString() ?? null,
    created_at: s.createdAt.toISOString(),
    updated_at: s.updatedAt.toISOString(),
    deleted: s.deleted,
    deleted_at: s.deletedAt?.toISOString() ?? null,
  };
}

/** Messages the procedures return are never deleted ones. */
export function toSeedMessage(m: Message): SeedMessage {
  return {
    _id: m.id,
    session_id: m.sessionId,
    user_id: m.userId,
    content: m.content,
    role: m.role,
    created_at: m.createdAt.toISOString(),
    updated_at: m.updatedAt.toISOString(),
    deleted: false,
    deleted_at: null,
  };
}
