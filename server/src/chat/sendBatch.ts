// Sends, batched. Under a session's lock, the sends waiting for it are stored as
// one batch: one session read (none when the session's previous batch left its
// document, chat/sessionCopies.ts), one claim of their clientIds, one index $set, one
// counter update by their number, one insert of the messages and one bucket
// append (two across a bucket boundary). The index $set (chat/sendIndex.ts), the
// inserts, the bucket appends and, on FerretDB, the counters (chat/sendCounters.ts)
// are shared with other sessions' batches in flight at the same time (group
// commit, no timer). A send is answered only once its batch is stored.
// The batches' writes go to the database one at a time: SQLite takes one writer at
// a time anyway, and writers that queue inside it sleep in its busy handler (1, 2,
// 5, 10… ms) where here they wait only for the write ahead of them.
import type { Message } from '@parley/shared';
import type { AnyBulkWriteOperation, ObjectId } from 'mongodb';
import type { BucketDoc, MessageDoc, MessageKeyDoc, SessionDoc, UserDoc } from '../db/documents';
import { asObjectId, idString, newId, toObjectId } from '../db/ids';
import { Refusal } from '../lib/refusal';
import type { Services } from '../services';
import {
  asError,
  GroupWrite,
  LockedBatches,
  maxStatements,
  SerialWrites,
  wholeCommand,
  withinDeadline,
} from './batching';
import { ensureReadModel, markDamaged } from './damage';
import { roomLeft } from './fullChats';
import { toApiMessage } from './mappers';
import { bucketAppends, bucketSize, toEntry } from './readModel';
import { countersTogether, updateCounters } from './sendCounters';
import { type IndexJob, storeIndexJobs, type WriteLines } from './sendIndex';
import { claimClientIds, sentBefore } from './sendKeys';
import { sendTag } from './sessionCopies';
import { entryOf, type IndexEntry, refreshIndexEntry, userLockKey } from './sessionIndex';
import { sessionLockKey, sessionNotFound } from './sessions';
import { titleFromFirstMessage } from './titles';
import { dropIndexEntries } from './tombstones';

export type SendInput = { sessionId: string; content: string; clientId?: string | undefined };
/** A stored send, and the session as it stood after it (null: nothing new to publish). */
export type Sent = { message: Message; session: SessionDoc | null };

interface SendItem {
  user: UserDoc;
  input: SendInput;
}

/** The send pipeline: its serial write line and counters (WriteLines), and its group writes. */
interface Pipeline extends WriteLines {
  sends: LockedBatches<SendItem, Sent>;
  index: LockedBatches<IndexJob, SessionDoc | null>;
  messages: GroupWrite<MessageDoc>;
  keys: GroupWrite<MessageKeyDoc>;
  buckets: GroupWrite<AnyBulkWriteOperation<BucketDoc>>;
}

/** At most a bucket's worth per batch, so a batch touches at most two buckets. */
const maxSends = bucketSize;
const maxInserts = 100;

const pipelines = new WeakMap<Services, Pipeline>();

function pipelineOf(services: Services): Pipeline {
  let p = pipelines.get(services);
  if (p) return p;
  const { db } = services;
  const writes = new SerialWrites(services.config.writeDeadlineMs);
  const write = <T>(task: () => Promise<T>) => writes.run(task);
  p = {
    write,
    sends: new LockedBatches(
      services.locks,
      maxSends,
      (_, items) => storeSends(services, pipelineOf(services), items),
      sendTag,
    ),
    index: new LockedBatches(services.locks, Number.POSITIVE_INFINITY, (_, jobs) =>
      storeIndexJobs(services, pipelineOf(services), jobs),
    ),
    messages: new GroupWrite(
      (docs) => db.messages.insertMany(docs, { ordered: false }),
      maxInserts,
      write,
    ),
    keys: new GroupWrite(
      (docs) => db.messageKeys.insertMany(docs, { ordered: false }),
      maxInserts,
      write,
    ),
    buckets: new GroupWrite(
      wholeCommand((ops) => db.buckets.bulkWrite(ops, { ordered: false })),
      maxStatements,
      write,
    ),
    counters: countersTogether(services)
      ? new GroupWrite(
          wholeCommand((ops) => updateCounters(services, ops)),
          maxStatements,
          write,
        )
      : null,
  };
  pipelines.set(services, p);
  return p;
}

/** Queues a send behind its session's lock; resolves once its batch is stored. */
export function queueSend(services: Services, user: UserDoc, input: SendInput): Promise<Sent> {
  return pipelineOf(services).sends.add(sessionLockKey(input.sessionId), { user, input });
}

export const deletedSession = () =>
  new Refusal({
    code: 'PRECONDITION_FAILED',
    message: 'This session is in the trash. Restore it to send messages.',
  });

export type Outcome = Sent | Error;

/** The live sends that fit in `room` places, a clientId's repeats in its one place; and the rest. */
function withinRoom(items: SendItem[], live: number[], room: number) {
  const admitted: number[] = [];
  const past: number[] = [];
  const placed = new Set<string>();
  let used = 0;
  for (const i of live) {
    const clientId = items[i]?.input.clientId;
    if (clientId && placed.has(clientId)) {
      admitted.push(i);
    } else if (used < room) {
      used++;
      admitted.push(i);
      if (clientId) placed.add(clientId);
    } else {
      past.push(i);
    }
  }
  return { admitted, past };
}

/**
 * One session's batch, under its lock: checked on the session (ownership, the
 * trash, the read model), clientIds claimed, then the index, the counter, the
 * messages and their buckets, each one command for the whole batch.
 */
async function storeSends(services: Services, p: Pipeline, items: SendItem[]): Promise<Outcome[]> {
  const out: Array<Outcome | undefined> = items.map(() => undefined);
  const sessionId = items[0]?.input.sessionId ?? '';
  const now = new Date();
  // The read has the writes' deadline: a hung one would hold the session's lock.
  const stored =
    services.sessionCopies.take(sessionId) ??
    (await withinDeadline(
      services.db.sessions.findOne({ _id: toObjectId(sessionId) }),
      services.config.writeDeadlineMs,
      'a session read',
    ));
  // The old service may have stored user_id as the owner's hex string.
  const owner = stored ? asObjectId(stored.user_id) : null;
  const live: number[] = [];
  items.forEach((item, i) => {
    if (!stored || !owner?.equals(item.user._id) || stored.purging) out[i] = sessionNotFound();
    else if (stored.deleted) out[i] = deletedSession();
    else live.push(i);
  });
  if (!stored || live.length === 0) return out as Outcome[];
  const session = await ensureReadModel(services, stored);

  const messageIds = new Map<number, ObjectId>(live.map((i) => [i, newId(now.getTime())]));
  // Past the chat's cap nothing is claimed or written: those sends get only what a
  // send of theirs stored before. Repeats of one clientId take one place between them.
  // (A retry of a message stored before still takes a place here, so at the cap a
  // batch may refuse a send that would have fit.)
  const { admitted, past } = withinRoom(items, live, roomLeft(services, session));
  const repeatOf = await claimClientIds(
    services,
    p.keys,
    session,
    items,
    admitted,
    messageIds,
    out,
    now,
  );
  for (const i of past) {
    const clientId = items[i]?.input.clientId;
    const keyId = clientId ? `${sessionId}:${clientId}` : null;
    out[i] = await sentBefore(services, session, keyId, services.config.messagesPerSession);
  }
  const writers = live.filter((i) => out[i] === undefined && !repeatOf.has(i));
  if (writers.length > 0) {
    try {
      const sent = await storeWriters(services, p, session, items, writers, messageIds, now);
      writers.forEach((i, k) => {
        out[i] = sent[k];
      });
    } catch (e) {
      for (const i of writers) out[i] = asError(e);
    }
  }
  for (const [i, first] of repeatOf) {
    const o = out[first] as Outcome;
    out[i] = o instanceof Error ? o : { message: o.message, session: null };
  }
  return out as Outcome[];
}

/**
 * Trashed or being purged by another process meanwhile: the index entry this batch
 * wrote goes back to what the session says, and the seqs it spent are marked for
 * repair on the session itself, so every process rebuilds the count before its
 * next send (a repair known only here would leave a gap in another's seqs).
 */
async function undoSpentSend(
  services: Services,
  user: UserDoc,
  reserved: SessionDoc,
  wrote: IndexEntry,
): Promise<void> {
  markDamaged(services, idString(reserved._id));
  await services.db.sessions.updateOne({ _id: reserved._id }, { $set: { read_model: 0 } });
  if (reserved.purging) await dropIndexEntries(services, user._id, [wrote]);
  else await refreshIndexEntry(services, reserved);
}

/**
 * The session as its counter update returned it, against what this batch read: trashed
 * or purged meanwhile, the send is undone and refused; changed otherwise, the index
 * entry follows it.
 */
async function followOtherProcesses(
  services: Services,
  user: UserDoc,
  reserved: SessionDoc,
  entry: IndexEntry,
): Promise<void> {
  if (reserved.deleted || reserved.purging) {
    await undoSpentSend(services, user, reserved, entry);
    throw reserved.purging ? sessionNotFound() : deletedSession();
  }
  if (JSON.stringify(entryOf(reserved)) !== JSON.stringify(entry)) {
    await refreshIndexEntry(services, reserved);
  }
}

/** The writes of a batch's new messages: index, counter, messages, buckets. */
async function storeWriters(
  services: Services,
  p: Pipeline,
  session: SessionDoc,
  items: SendItem[],
  writers: number[],
  messageIds: Map<number, ObjectId>,
  now: Date,
): Promise<Sent[]> {
  const n = writers.length;
  const user = items[writers[0] as number]?.user as UserDoc;
  const at = now.getTime();
  const was = entryOf(session);
  const entry = { ...was, activity: at, updated: at, lastMessage: at, count: was.count + n };
  const reserved = await p.index.add(userLockKey(user._id), {
    user,
    entry,
    counter: { session, n, now },
  });
  if (!reserved) throw sessionNotFound();
  // Only a counter the database answered can tell of another process's change; a
  // shared counter's session is the one this batch checked (sendCounters.ts).
  if (!p.counters) await followOtherProcesses(services, user, reserved, entry);
  const first = (reserved.message_count ?? n) - n + 1;
  const docs = writers.map((i, k): MessageDoc & { seq: number } => {
    const input = items[i]?.input as SendInput;
    return {
      _id: messageIds.get(i) as ObjectId,
      session_id: reserved._id,
      user_id: user._id,
      content: input.content,
      role: 'user',
      created_at: now,
      updated_at: now,
      deleted: false,
      deleted_at: null,
      seq: first + k,
      ...(input.clientId ? { client_id: input.clientId } : {}),
    };
  });
  try {
    const inserted = await p.messages.submit(docs);
    const failedInsert = inserted.find((e) => e);
    if (failedInsert) throw failedInsert;
    const appended = await p.buckets.submit(bucketAppends(reserved._id, docs.map(toEntry)));
    const failedAppend = appended.find((e) => e);
    if (failedAppend) throw failedAppend;
  } catch (e) {
    // The counter moved but the messages or their buckets may not have: repair before the next use.
    markDamaged(services, idString(reserved._id));
    throw e;
  }
  const [firstDoc] = docs;
  if (firstDoc) await titleFromFirstMessage(services, user, reserved, firstDoc);
  services.sessionCopies.keep(reserved);
  return docs.map((doc) => ({
    message: toApiMessage(toEntry(doc), reserved._id),
    // Each message is published with the session as it stood right after it.
    session: { ...reserved, message_count: doc.seq },
  }));
}
