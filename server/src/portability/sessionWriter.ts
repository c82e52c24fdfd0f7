// Stores one imported conversation the way Parley's own writes leave it: messages
// with their seq, their buckets (the read model), then the owner's index entry and
// the session, last, so a chat appears only once all of it is in. An import key
// (`imports`, `_id` = `<user>:<source>:<source id>`) makes a second import a no-op.
import { type Collection, ObjectId } from 'mongodb';
import { readFolders } from '../chat/folders';
import { toApiSession } from '../chat/mappers';
import { bucketId, bucketSize, encodeEntry } from '../chat/readModel';
import { entryOf, withIndexEntry } from '../chat/sessionIndex';
import { newSessionDoc } from '../chat/sessions';
import type { BucketDoc, BucketEntry, MessageDoc, SessionDoc, UserDoc } from '../db/documents';
import { idString, isDuplicateKey, newId } from '../db/ids';
import { publishSessionChange } from '../realtime/channels';
import type { Services } from '../services';
import type { ImportedConversation, ImportedMessage } from './imported';

/** An imported conversation's key: the session it became, set done once the session is stored. */
export interface ImportDoc {
  _id: string;
  session_id: ObjectId;
  done: boolean;
  created_at: Date;
}

export const importsOf = (services: Services): Collection<ImportDoc> =>
  services.db.db.collection<ImportDoc>('imports');

/** Buckets written per round trip: 200 messages, at most ~20 MB of text. */
const bucketsPerWrite = 4;

export type Claim =
  | { kind: 'new'; sessionId: ObjectId; key: string }
  | { kind: 'imported' }
  | { kind: 'busy' };

/**
 * Takes the conversation's import key. A key left by an import that stopped
 * before its session was stored is taken over: its buckets are cleared by `_id`.
 */
export async function claimConversation(
  services: Services,
  user: UserDoc,
  c: ImportedConversation,
): Promise<Claim> {
  const imports = importsOf(services);
  const key = `${idString(user._id)}:${c.source}:${c.sourceId}`;
  const sessionId = newId(c.createdAt.getTime());
  try {
    await imports.insertOne({
      _id: key,
      session_id: sessionId,
      done: false,
      created_at: new Date(),
    });
    return { kind: 'new', sessionId, key };
  } catch (e) {
    if (!isDuplicateKey(e)) throw e;
  }
  const earlier = await imports.findOne({ _id: key });
  if (!earlier) return { kind: 'busy' };
  if (earlier.done) return { kind: 'imported' };
  if (await services.db.sessions.findOne({ _id: earlier.session_id })) {
    await imports.updateOne({ _id: key }, { $set: { done: true } });
    return { kind: 'imported' };
  }
  for (let n = 0; ; n++) {
    const r = await services.db.buckets.deleteOne({ _id: bucketId(earlier.session_id, n) });
    if (r.deletedCount === 0) break;
  }
  return { kind: 'new', sessionId: earlier.session_id, key };
}

export class SessionWriter {
  private seq = 0;
  private pending: BucketEntry[] = [];
  private lastAt: Date | null = null;
  /** Messages written so far, to drop if the conversation fails. */
  private written: ObjectId[] = [];

  constructor(
    private readonly services: Services,
    private readonly user: UserDoc,
    private readonly claim: { sessionId: ObjectId; key: string },
  ) {}

  get count(): number {
    return this.seq;
  }

  async add(m: ImportedMessage): Promise<void> {
    this.seq++;
    this.pending.push({
      _id: newId(m.createdAt.getTime()),
      seq: this.seq,
      user_id: this.user._id,
      role: m.role,
      content: m.content,
      created_at: m.createdAt,
      updated_at: m.updatedAt,
    });
    this.lastAt = m.createdAt;
    if (this.pending.length >= bucketsPerWrite * bucketSize) await this.flush();
  }

  /** Writes the pending messages and their buckets (whole buckets, and the last partial one). */
  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const { db } = this.services;
    const sessionId = this.claim.sessionId;
    const messages: MessageDoc[] = this.pending.map((e) => ({
      _id: e._id,
      session_id: sessionId,
      user_id: e.user_id,
      content: e.content,
      role: e.role,
      created_at: e.created_at,
      updated_at: e.updated_at,
      deleted: false,
      deleted_at: null,
      seq: e.seq,
    }));
    const buckets: BucketDoc[] = [];
    for (let i = 0; i < this.pending.length; i += bucketSize) {
      const slice = this.pending.slice(i, i + bucketSize);
      const n = Math.floor(((slice[0] as BucketEntry).seq - 1) / bucketSize);
      buckets.push({
        _id: bucketId(sessionId, n),
        session_id: sessionId,
        n,
        messages: slice.map(encodeEntry),
      });
    }
    this.written.push(...messages.map((m) => m._id));
    await db.messages.insertMany(messages, { ordered: false });
    await db.buckets.insertMany(buckets, { ordered: false });
    this.pending = [];
  }

  /**
   * Stores the session (index entry first, as every session write) and tells open
   * views. `folderId` is the user's folder it goes in; one deleted meanwhile is none.
   */
  async finish(c: ImportedConversation, folderId: string | null = null): Promise<SessionDoc> {
    // Flushes only at bucket boundaries before this, so every bucket is written once.
    await this.flush();
    const now = new Date();
    const doc: SessionDoc = {
      ...newSessionDoc(this.user._id, c.title, c.createdAt),
      _id: this.claim.sessionId,
      message_count: this.seq,
      last_message_at: this.lastAt,
      // updated_at is when Parley last changed it: live views resuming after it see the import.
      updated_at: now,
      activity_at: this.lastAt ?? c.createdAt,
      deleted: c.deleted,
      deleted_at: c.deleted ? (c.deletedAt ?? now) : null,
      ...(c.pinned ? { pinned: true } : {}),
      ...(c.archived ? { archived: true } : {}),
      ...(folderId ? { folder_id: ObjectId.createFromHexString(folderId) } : {}),
    };
    const entry = entryOf(doc);
    const cap = this.services.config.sessionsPerUser;
    await withIndexEntry(
      this.services,
      this.user,
      entry,
      () => this.services.db.sessions.insertOne(doc),
      {
        // Under the user's lock, where folder.delete runs: no chat lands in a deleted folder.
        before: async (index) => {
          if (index.size >= cap) throw new SessionLimitReached(cap);
          if (
            folderId &&
            !(await readFolders(this.services, this.user._id)).folders.has(folderId)
          ) {
            delete doc.folder_id;
            entry.folderId = null;
          }
        },
      },
    );
    await importsOf(this.services).updateOne({ _id: this.claim.key }, { $set: { done: true } });
    await publishSessionChange(this.services, { kind: 'created', session: toApiSession(doc) });
    return doc;
  }

  /** Drops what was written of a conversation that failed, by `_id`, and its key. */
  async abandon(): Promise<void> {
    const { db } = this.services;
    const buckets = Math.ceil(this.written.length / bucketSize);
    for (let n = 0; n < buckets; n++) {
      await db.buckets.deleteOne({ _id: bucketId(this.claim.sessionId, n) });
    }
    for (let i = 0; i < this.written.length; i += bucketSize) {
      const ids = this.written.slice(i, i + bucketSize);
      await db.messages.bulkWrite(ids.map((_id) => ({ deleteOne: { filter: { _id } } })));
    }
    this.written = [];
    await importsOf(this.services).deleteOne({ _id: this.claim.key });
  }
}

export class SessionLimitReached extends Error {
  override name = 'SessionLimitReached';
  constructor(limit: number) {
    super(`the account has reached its limit of ${limit} chats`);
  }
}
