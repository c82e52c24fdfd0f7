// Big chats for purge tests, seeded fast with the raw driver, and what is left of one.
import { ObjectId } from 'mongodb';
import { rebuildReadModel } from '../../src/chat/rebuildReadModel';
import { refreshIndexEntry } from '../../src/chat/sessionIndex';
import type { MessageDoc } from '../../src/db/documents';
import { InProcessBus } from '../../src/realtime/bus';
import { createServices, type Services } from '../../src/services';

/** Everything stored for a session: the session, its messages, buckets and keys (test-only scans). */
export async function leftOf(services: Services, sessionId: string, clientIds: string[]) {
  const _id = ObjectId.createFromHexString(sessionId);
  return {
    session: await services.db.sessions.countDocuments({ _id }),
    messages: await services.db.messages.countDocuments({ session_id: _id }),
    buckets: await services.db.buckets.countDocuments({ session_id: _id }),
    keys: await services.db.messageKeys.countDocuments({
      _id: { $in: clientIds.map((c) => `${sessionId}:${c}`) },
    }),
  };
}

/** Gives a session `count` messages by bulk insert (every other with a clientId and its key), then builds its buckets. */
export async function seedMessages(
  services: Services,
  userId: ObjectId,
  sessionId: string,
  count: number,
): Promise<string[]> {
  const _id = ObjectId.createFromHexString(sessionId);
  const base = Date.now() - count * 1_000;
  const clientIds: string[] = [];
  const docs: MessageDoc[] = Array.from({ length: count }, (_, i) => {
    const at = new Date(base + i * 1_000);
    const clientId = i % 2 ? crypto.randomUUID() : undefined;
    if (clientId) clientIds.push(clientId);
    return {
      _id: new ObjectId(),
      session_id: _id,
      user_id: userId,
      content: `m${i + 1}`,
      role: 'user',
      created_at: at,
      updated_at: at,
      deleted: false,
      deleted_at: null,
      seq: i + 1,
      ...(clientId ? { client_id: clientId } : {}),
    };
  });
  for (let i = 0; i < docs.length; i += 2_000) {
    await services.db.messages.insertMany(docs.slice(i, i + 2_000), { ordered: false });
  }
  const keys = docs
    .filter((d) => d.client_id)
    .map((d) => ({
      _id: `${sessionId}:${d.client_id}`,
      message_id: d._id,
      created_at: d.created_at,
    }));
  for (let i = 0; i < keys.length; i += 2_000) {
    await services.db.messageKeys.insertMany(keys.slice(i, i + 2_000), { ordered: false });
  }
  const session = await services.db.sessions.findOne({ _id });
  if (!session) throw new Error('no session');
  const rebuilt = await rebuildReadModel(services.db, { ...session, read_model: 0 });
  await refreshIndexEntry(services, rebuilt);
  return clientIds;
}

/** What leftOf answers once a purge is done. */
export const gone = { session: 0, messages: 0, buckets: 0, keys: 0 };

/** A process whose background purging has stopped: what it purges waits for another. */
export async function stoppedWorker(
  services: Services,
  config = services.config,
): Promise<Services> {
  const stopped = createServices(config, services.db, new InProcessBus());
  await stopped.purges.close();
  return stopped;
}

/** The leases of purges a stopped process took have run out. */
export const expireLeases = (services: Services, ids: string[]) =>
  services.db.purges.updateMany(
    { _id: { $in: ids.map((id) => `lease:${id}`) } },
    { $set: { until: new Date(0) } },
  );
