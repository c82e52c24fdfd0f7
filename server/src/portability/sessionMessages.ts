// A session's messages, oldest first, a few buckets at a time by `_id`: what
// both exports stream from, never holding a whole history.
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
  let current = session;
  for (let from = 1; from <= count; from += chunkSize) {
    const to = Math.min(count, from + chunkSize - 1);
    const read = await readMessages(services, current, (s) => [
      from,
      Math.min(to, s.message_count ?? 0),
    ]);
    current = read.session;
    yield read.entries.map((e) => toApiMessage(e, session._id));
  }
}
