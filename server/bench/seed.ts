// Seeds the capacity data quickly: sessions and messages by bulk insert, buckets
// for the small sessions from the read model's own helpers, and the large session
// through the project's rebuildReadModel (timed, as a migration would run it).
import { ObjectId } from 'mongodb';
import { bucketsFrom } from '../src/chat/readModel';
import { rebuildReadModel } from '../src/chat/rebuildReadModel';
import type { Database } from '../src/db/database';
import type { BucketDoc, MessageDoc, SessionDoc, UserDoc } from '../src/db/documents';

export interface Seeded {
  owner: ObjectId;
  bigSession: ObjectId;
  sessions: number;
  messages: number;
  insertSeconds: number;
  rebuildSeconds: number;
}

const batch = 2_000;

async function insertInBatches<T extends { _id: unknown }>(
  insert: (docs: T[]) => Promise<unknown>,
  docs: T[],
): Promise<void> {
  for (let i = 0; i < docs.length; i += batch) await insert(docs.slice(i, i + batch));
}

function messagesFor(
  session: SessionDoc,
  count: number,
  start: number,
): (MessageDoc & { seq: number })[] {
  return Array.from({ length: count }, (_, i) => {
    const at = new Date(start + i * 1_000);
    return {
      _id: new ObjectId(),
      session_id: session._id,
      user_id: session.user_id,
      content: `seeded message ${i + 1}: a few words of ordinary chat, about as long as most are.`,
      role: i % 2 ? ('assistant' as const) : ('user' as const),
      created_at: at,
      updated_at: at,
      deleted: false,
      deleted_at: null,
      seq: i + 1,
    };
  });
}

/**
 * 1,000 sessions over 100 users; `owner` (an existing user) holds ten of them,
 * one with `bigCount` messages; the others share the rest of `total`.
 */
export async function seedCapacity(
  db: Database,
  owner: UserDoc,
  total: number,
  bigCount: number,
  progress: (line: string) => void,
): Promise<Seeded> {
  const started = performance.now();
  const users: ObjectId[] = [owner._id, ...Array.from({ length: 99 }, () => new ObjectId())];
  const base = Date.now() - 30 * 86_400_000;
  const sessions: SessionDoc[] = Array.from({ length: 1_000 }, (_, i) => {
    const created = new Date(base + i * 60_000);
    return {
      _id: new ObjectId(),
      user_id: users[i % users.length] as ObjectId,
      title: `seeded session ${i}`,
      message_count: 0,
      last_message_at: null,
      created_at: created,
      updated_at: created,
      deleted: false,
      deleted_at: null,
      activity_at: created,
      read_model: 1,
    };
  });
  const big = sessions[0] as SessionDoc;
  const small = sessions.slice(1);
  const perSmall = Math.floor((total - bigCount) / small.length);
  const buckets: BucketDoc[] = [];
  const smallMessages: MessageDoc[] = [];
  for (const s of small) {
    const ms = messagesFor(s, perSmall, base);
    smallMessages.push(...ms);
    buckets.push(...bucketsFrom(s._id, ms));
    const last = ms.at(-1)?.created_at ?? null;
    Object.assign(s, {
      message_count: ms.length,
      last_message_at: last,
      activity_at: last ?? s.created_at,
    });
  }
  big.read_model = 0;
  await db.sessions.insertMany(sessions);
  const bigMessages = messagesFor(big, bigCount, base);
  const all = [...bigMessages, ...smallMessages];
  for (let i = 0; i < all.length; i += batch * 5) {
    await insertInBatches(
      (d) => db.messages.insertMany(d, { ordered: false }),
      all.slice(i, i + batch * 5),
    );
    progress(`  seeded ${Math.min(i + batch * 5, all.length).toLocaleString('en-US')} messages`);
  }
  await insertInBatches((d) => db.buckets.insertMany(d, { ordered: false }), buckets);
  const insertSeconds = (performance.now() - started) / 1000;
  const rebuildStarted = performance.now();
  await rebuildReadModel(db, big);
  const rebuildSeconds = (performance.now() - rebuildStarted) / 1000;
  return {
    owner: owner._id,
    bigSession: big._id,
    sessions: sessions.length,
    messages: all.length,
    insertSeconds,
    rebuildSeconds,
  };
}
