// The fields only assistant replies carry, copied from a stored message to its
// bucket entry and on to the API; other messages get none of them.
import type { Message } from '@parley/shared';
import type { ReplyFields } from '../db/documents';

const statuses = new Set(['streaming', 'done', 'stopped', 'failed', 'interrupted']);

export function replyFieldsOf(m: ReplyFields): ReplyFields {
  if (!m.status || !statuses.has(m.status)) return {};
  return {
    status: m.status,
    error: typeof m.error === 'string' ? m.error : null,
    ...(typeof m.model === 'string' ? { model: m.model } : {}),
    ...(Array.isArray(m.previous)
      ? { previous: m.previous.filter((p) => typeof p === 'string') }
      : {}),
  };
}

export function apiReplyFields(m: ReplyFields): Partial<Message> {
  const f = replyFieldsOf(m);
  if (!f.status) return {};
  return {
    status: f.status,
    error: f.error ?? null,
    ...(f.model !== undefined ? { model: f.model } : {}),
    ...(f.previous ? { previous: f.previous } : {}),
  };
}
