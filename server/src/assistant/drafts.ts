// A reply as stored: created at once with its seq (status 'streaming', empty), saved
// in place as it grows and when it ends, in `messages` and in its bucket, and listed
// in this process's registry while it runs. Every read and write is by `_id`.
import type { Message } from '@parley/shared';
import type { ObjectId } from 'mongodb';
import { chatIsFull, roomLeft } from '../chat/fullChats';
import { toApiMessage, toApiSession } from '../chat/mappers';
import {
  appendToReadModel,
  bucketId,
  bucketOf,
  entriesOf,
  rewriteEntry,
  toEntry,
} from '../chat/readModel';
import { replyFieldsOf } from '../chat/replyFields';
import { entryOf, withIndexEntry } from '../chat/sessionIndex';
import { sessionLockKey } from '../chat/sessions';
import type {
  MessageDoc,
  ReplyFields,
  ReplyRegistryDoc,
  SessionDoc,
  UserDoc,
} from '../db/documents';
import { idString, newId } from '../db/ids';
import { Refusal } from '../lib/refusal';
import { publishNewMessage, publishTextsChanged } from '../realtime/channels';
import type { Services } from '../services';

export type StoredReply = MessageDoc & { seq: number };

const registryId = (services: Services) =>
  `replies:${services.config.assistant?.instance ?? 'main'}`;

export function registry(services: Services) {
  return services.db.db.collection<ReplyRegistryDoc>('assistant_replies');
}

/** Writes to the registry document one at a time (FerretDB updates are read-modify-write). */
function inRegistry<T>(services: Services, task: () => Promise<T>): Promise<T> {
  return services.locks.run(registryId(services), task);
}

export function register(services: Services, reply: StoredReply): Promise<unknown> {
  return inRegistry(services, () =>
    registry(services).updateOne(
      { _id: registryId(services) },
      {
        $set: {
          [`r.${idString(reply._id)}`]: {
            session_id: reply.session_id,
            seq: reply.seq,
            started_at: new Date(),
          },
        },
      },
      { upsert: true },
    ),
  );
}

export function unregister(services: Services, id: ObjectId): Promise<unknown> {
  return inRegistry(services, () =>
    registry(services).updateOne(
      { _id: registryId(services) },
      { $unset: { [`r.${idString(id)}`]: '' } },
    ),
  );
}

/**
 * Stores an empty draft reply after the session's newest message, under the session's
 * lock; null when the session is gone, in the trash or its read model needs a repair
 * (the next send makes it). The owner's index is written first, as sends do.
 */
export async function createDraft(
  services: Services,
  user: UserDoc,
  sessionId: ObjectId,
  model: string,
): Promise<{ reply: StoredReply; message: Message } | null> {
  const created = await services.locks.run(sessionLockKey(idString(sessionId)), async () => {
    const session = await services.db.sessions.findOne({ _id: sessionId });
    if (!session || session.deleted || session.read_model !== 1) return null;
    if (roomLeft(services, session) === 0) throw chatIsFull(services.config.messagesPerSession);
    const now = new Date();
    const at = now.getTime();
    const was = entryOf(session);
    const entry = { ...was, activity: at, updated: at, lastMessage: at, count: was.count + 1 };
    const reserved = await withIndexEntry(services, user, entry, () =>
      services.db.sessions.findOneAndUpdate(
        { _id: sessionId },
        {
          $inc: { message_count: 1 },
          $set: { last_message_at: now, updated_at: now, activity_at: now },
        },
        { returnDocument: 'after' },
      ),
    );
    if (!reserved) return null;
    const reply: StoredReply = {
      _id: newId(at),
      session_id: sessionId,
      user_id: user._id,
      content: '',
      role: 'assistant',
      created_at: now,
      updated_at: now,
      deleted: false,
      deleted_at: null,
      seq: reserved.message_count,
      status: 'streaming',
      error: null,
      model,
    };
    try {
      // Listed before it exists: a crash after this leaves nothing unlisted.
      await register(services, reply);
      await services.db.messages.insertOne(reply);
      await appendToReadModel(services.db, sessionId, toEntry(reply));
    } catch (e) {
      // The counter moved without its message: the next read rebuilds the read model.
      await services.db.sessions.updateOne({ _id: sessionId }, { $set: { read_model: 0 } });
      throw e;
    }
    return { reply, session: reserved };
  });
  if (!created) return null;
  const message = toApiMessage(toEntry(created.reply), sessionId);
  await publishNewMessage(services, toApiSession(created.session), message);
  return { reply: created.reply, message };
}

/** The reply's text and status as they are now, written to `messages` and to its bucket entry. */
export async function saveReply(
  services: Services,
  reply: StoredReply,
  fields: Pick<StoredReply, 'content'> & ReplyFields,
): Promise<StoredReply> {
  const now = new Date();
  const next: StoredReply = { ...reply, ...fields, updated_at: now };
  const set = {
    content: next.content,
    status: next.status,
    error: next.error ?? null,
    updated_at: now,
    ...(next.model !== undefined ? { model: next.model } : {}),
    ...(next.previous ? { previous: next.previous } : {}),
  };
  await services.locks.run(sessionLockKey(idString(reply.session_id)), async () => {
    await services.db.messages.updateOne({ _id: reply._id }, { $set: set });
    // The entry keeps its place and its other fields (a deletion meanwhile stays);
    // a bucket rebuilt meanwhile already read `messages`.
    await rewriteEntry(services.db, reply.session_id, reply.seq, reply._id, (e) => ({
      ...e,
      ...replyFieldsOf({ ...e, ...set }),
      content: next.content,
      updated_at: now,
    }));
  });
  // Search read the reply as it stood; once it ends, it reads it again.
  if (next.status !== 'streaming') {
    await publishTextsChanged(
      services,
      idString(reply.user_id),
      idString(reply.session_id),
      reply.seq,
    );
  }
  return next;
}

export function apiReply(reply: StoredReply): Message {
  return toApiMessage(toEntry(reply), reply.session_id);
}

/** The session's newest stored message, read from its bucket by `_id`. */
export async function newestMessage(
  services: Services,
  session: SessionDoc,
): Promise<StoredReply | null> {
  const count = session.message_count ?? 0;
  if (count < 1) return null;
  const stored = await services.db.buckets.findOne({
    _id: bucketId(session._id, bucketOf(count)),
  });
  const entry = entriesOf(stored).find((e) => e.seq === count);
  if (!entry) return null;
  const doc = await services.db.messages.findOne({ _id: entry._id });
  return doc?.seq ? (doc as StoredReply) : null;
}

/** How many earlier texts of a regenerated reply are kept. */
const previousKept = 5;

/**
 * The draft a regenerate streams into: the newest reply again, its text kept among
 * its previous ones, or a new draft after a newest message of the user's; null when
 * the session has no message. `beingWritten` tells a streaming reply another process
 * may still be writing, which is refused.
 */
export async function redraft(
  services: Services,
  user: UserDoc,
  sessionId: ObjectId,
  model: string,
  beingWritten: (draft: StoredReply) => boolean,
): Promise<StoredReply | null> {
  const session = await services.db.sessions.findOne({ _id: sessionId });
  const newest = session && (await newestMessage(services, session));
  if (!newest) return null;
  if (newest.role !== 'assistant') {
    return (await createDraft(services, user, sessionId, model))?.reply ?? null;
  }
  if (newest.status === 'streaming' && beingWritten(newest)) {
    throw new Refusal({
      code: 'CONFLICT',
      message: 'This reply is still being written. Try again in a moment.',
    });
  }
  const previous = [...(newest.previous ?? []), ...(newest.content ? [newest.content] : [])];
  const reply = await saveReply(services, newest, {
    content: '',
    status: 'streaming',
    error: null,
    model,
    previous: previous.slice(-previousKept),
  });
  await register(services, reply);
  return reply;
}
