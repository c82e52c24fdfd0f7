// A session's messages, oldest first, a few buckets at a time by `_id`: what
// both exports stream from, never holding a whole history. Deleted messages are
// left out, as the chat shows them. The next chunk is
// read while the current one is written, so the database and the socket overlap.
import type { Message } from '@parley/shared';
import { toApiMessage } from '../chat/mappers';
import { readMessages } from '../chat/messages';
import { bucketSize } from '../chat/readModel';
import type { SessionDoc } from '../db/documents';
import type { Services } from '../services';

/** Messages per read: four buckets, one round trip of four `_id` lookups. */
export const chunkSize = 4 * bucketSize;

/**
 * The session's messages 1..`count` (its count when the export began), in chunks;
 * messages sent meanwhile belong to a later export.
 */
export async function* messageChunks(
  services: Services,
  session: SessionDoc,
  count = session.message_count ?? 0,
): AsyncGenerator<Message[]> {
  const read = (from: number) => {
    const to = Math.min(count, from + chunkSize - 1);
    const p = readMessages(services, session, (s) => [from, Math.min(to, s.message_count ?? 0)]);
    p.catch(() => {}); // a read never awaited (the reader left) must not go unhandled
    return p;
  };
  let next = count > 0 ? read(1) : null;
  for (let from = 1; next; from += chunkSize) {
    const current = await next;
    next = from + chunkSize <= count ? read(from + chunkSize) : null;
    // A deleted message keeps its seq in the chat, but its text goes nowhere.
    yield current.entries.filter((e) => !e.deleted).map((e) => toApiMessage(e, session._id));
  }
}
