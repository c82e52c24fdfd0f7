// Start-up: replies a previous run of this process left streaming (it crashed or was
// killed) are marked interrupted, found through the registry by one `_id` lookup.
import { ObjectId } from 'mongodb';
import type { Services } from '../services';
import { registry, type StoredReply, saveReply, unregister } from './drafts';

export async function interruptLeftoverReplies(services: Services): Promise<number> {
  const id = `replies:${services.config.assistant?.instance ?? 'main'}`;
  const doc = await registry(services).findOne({ _id: id });
  let marked = 0;
  for (const key of Object.keys(doc?.r ?? {})) {
    if (ObjectId.isValid(key)) {
      const messageId = new ObjectId(key);
      const m = await services.db.messages.findOne({ _id: messageId });
      if (m?.status === 'streaming' && m.seq) {
        await saveReply(services, m as StoredReply, {
          content: m.content,
          status: 'interrupted',
          error: 'Parley stopped while this reply was being written.',
        });
        marked++;
      }
      await unregister(services, messageId);
    }
  }
  return marked;
}
