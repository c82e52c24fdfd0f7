// Messages: send (idempotent by clientId) and list, through the read model.
// Every write to a session runs under that session's lock in this process; the
// seq comes from the session's counter, so on MongoDB several processes agree too.

import { setTimeout as sleep } from 'node:timers/promises';
import type { Message } from '@parley/shared';
import { TRPCError } from '@trpc/server';
import type { BucketDoc, SessionDoc, UserDoc } from '../db/documents';
import { idString, toObjectId } from '../db/ids';
import { publishNewMessage } from '../realtime/channels';
import type { Services } from '../services';
import { decodeCursor, type MessageCursor, messageCursor, messageCursorRules } from './cursor';
import { ensureReadModel } from './damage';
import { toApiMessage, toApiSession } from './mappers';
import { fetchBuckets, readRange, type toEntry } from './readModel';
import { queueSend, type SendInput } from './sendBatch';
import { loadOwnedSession, sessionLockKey } from './sessions';

/**
 * A send: queued behind the session's lock with the other sends waiting for it,
 * stored with them as one batch of `_id`-only writes (sendBatch.ts), answered
 * once that batch is stored, then published.
 */
export async function sendMessage(
  services: Services,
  user: UserDoc,
  input: SendInput,
): Promise<Message> {
  const result = await queueSend(services, user, input);
  if (result.session)
    await publishNewMessage(services, toApiSession(result.session), result.message);
  if (result.session) services.assistant?.onUserMessage(user, result.session, result.message);
  return result.message;
}

/**
 * Pauses before concluding that the read model is broken: a send may sit between
 * its counter update and its bucket write, in this process (its lock tells) or in
 * another one (only time tells). About 1.6 s in all, paid only on real damage.
 */
const settleDelaysMs = [0, 50, 150, 400, 1_000];

/**
 * Reads messages [from, to] through the read model, rebuilding it from
 * `messages` only when it still disagrees with the count after writes settle.
 */
export async function readMessages(
  services: Services,
  session: SessionDoc,
  range: (s: SessionDoc) => [number, number],
  /** The buckets of range(session), fetched alongside the session (see listMessages). */
  prefetched?: Promise<Array<BucketDoc | null>>,
): Promise<{ session: SessionDoc; entries: ReturnType<typeof toEntry>[] }> {
  const key = idString(session._id);
  const reload = async (s: SessionDoc) =>
    (await services.db.sessions.findOne({ _id: session._id })) ?? s;
  let current = session;
  let fetched = prefetched;
  if (current.read_model !== 1 || services.damaged.has(key)) {
    fetched = undefined; // read before the repair: stale
    current = await services.locks.run(sessionLockKey(key), async () =>
      ensureReadModel(services, await reload(session)),
    );
  }
  for (const delay of settleDelaysMs) {
    const [from, to] = range(current);
    const entries = await readRange(services.db, current, from, to, fetched);
    fetched = undefined;
    if (entries) return { session: current, entries };
    if (delay > 0) await sleep(delay);
    const seen = current;
    current = await services.locks.run(sessionLockKey(key), () => reload(seen));
  }
  const broken = current;
  current = await services.locks.run(sessionLockKey(key), async () =>
    ensureReadModel(services, { ...(await reload(broken)), read_model: 0 }),
  );
  const [from, to] = range(current);
  return { session: current, entries: (await readRange(services.db, current, from, to)) ?? [] };
}

/**
 * A page stops growing once its contents pass this many bytes (UTF-8), and its
 * nextCursor picks up at the oldest message it kept: 200 long messages would
 * otherwise make one answer of several MB.
 */
export const maxPageBytes = 1024 * 1024;

/** The newest entries of `entries` (oldest first) whose contents fit in maxPageBytes; at least one. */
function newestThatFit<T extends { content: string }>(entries: T[]): T[] {
  let bytes = 0;
  let i = entries.length;
  while (i > 0 && bytes < maxPageBytes) {
    i--;
    bytes += Buffer.byteLength((entries[i] as T).content);
  }
  return entries.slice(i);
}

export async function listMessages(
  services: Services,
  user: UserDoc,
  opts: { sessionId: string; limit: number; cursor?: string | null },
): Promise<{ items: Message[]; nextCursor: string | null; changeCount: number }> {
  // Checked whole before any read: a cursor's number bounds the buckets fetched below.
  const cursor = opts.cursor
    ? decodeCursor<MessageCursor>(opts.cursor, messageCursorRules, { s: opts.sessionId })
    : null;
  const pageOf = (end: number): [number, number] => [Math.max(1, end - opts.limit), end - 1];
  // A cursor names the page's seqs, so its buckets are read alongside the session, not after
  // it; they are used only once the session proves to be the caller's.
  let prefetched: Promise<Array<BucketDoc | null>> | undefined;
  if (cursor && cursor.b > 1) {
    prefetched = fetchBuckets(services.db, toObjectId(cursor.s), ...pageOf(cursor.b));
    prefetched.catch(() => {}); // its failure surfaces where it is awaited, or nowhere
  }
  const session = await loadOwnedSession(services, user._id, opts.sessionId);
  if (cursor && cursor.b > (session.message_count ?? 0) + 1) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: 'That cursor is not valid for this list.',
    });
  }
  const before = cursor?.b ?? null;
  const read = await readMessages(
    services,
    session,
    (s) => pageOf(before ?? (s.message_count ?? 0) + 1),
    prefetched,
  );
  const kept = newestThatFit(read.entries);
  const from = kept[0]?.seq ?? 1;
  // Deleted messages are left out, but their seqs still count: pages and cursors go by seq.
  return {
    items: kept.filter((e) => !e.deleted).map((e) => toApiMessage(e, session._id)),
    nextCursor: from > 1 ? messageCursor(opts.sessionId, from) : null,
    // Read before the messages: a change made meanwhile is at worst replayed, never missed.
    changeCount: session.change_count ?? 0,
  };
}

/** For subscriptions: messages after `afterSeq`, oldest first. */
export async function messagesAfter(
  services: Services,
  session: SessionDoc,
  afterSeq: number,
): Promise<Message[]> {
  const read = await readMessages(services, session, (s) => [afterSeq + 1, s.message_count ?? 0]);
  return read.entries.filter((e) => !e.deleted).map((e) => toApiMessage(e, session._id));
}
