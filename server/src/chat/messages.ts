// Messages: send (idempotent by clientId) and list, through the read model.
// Every write to a session runs under that session's lock in this process; the
// seq comes from the session's counter, so on MongoDB several processes agree too.

import { setTimeout as sleep } from 'node:timers/promises';
import type { Message } from '@parley/shared';
import type { BucketDoc, SessionDoc, UserDoc } from '../db/documents';
import { idString, toObjectId } from '../db/ids';
import { Refusal } from '../lib/refusal';
import { publishNewMessage } from '../realtime/channels';
import type { Services } from '../services';
import { decodeMessageCursor, messageCursor } from './cursor';
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

/** The oldest entries of `entries` (oldest first) whose contents fit in maxPageBytes; at least one. */
function oldestThatFit<T extends { content: string }>(entries: T[]): T[] {
  let bytes = 0;
  let i = 0;
  while (i < entries.length && bytes < maxPageBytes) {
    bytes += Buffer.byteLength((entries[i] as T).content);
    i++;
  }
  return entries.slice(0, i);
}

type Range = [number, number];

/** Which page a list asks for: the newest, one older than a seq, one newer, or one around a seq. */
type PageWanted =
  | { kind: 'newest' }
  | { kind: 'older'; before: number }
  | { kind: 'newer'; after: number }
  | { kind: 'around'; seq: number };

const invalidCursor = () =>
  new Refusal({ code: 'BAD_REQUEST', message: 'That cursor is not valid for this list.' });

/** The seqs of the page `want` names in a session of `count` messages, pages of `limit`. */
function rangeOf(want: PageWanted, count: number, limit: number): Range {
  switch (want.kind) {
    case 'newest':
      return [Math.max(1, count - limit + 1), count];
    case 'older':
      return [Math.max(1, want.before - limit), want.before - 1];
    case 'newer':
      return [want.after + 1, Math.min(count, want.after + limit)];
    case 'around': {
      const from = Math.max(1, Math.min(want.seq - Math.floor(limit / 2), count - limit + 1));
      return [from, Math.min(count, from + limit - 1)];
    }
  }
}

/**
 * The page's range when the session is at least as long as the page reaches:
 * fetched alongside it. None past the seqs a chat can hold: such a page is
 * refused once the count is known (`fits`), and its range cannot be read.
 */
function guessedRange(want: PageWanted, limit: number): Range | null {
  const range = guessedSeqs(want, limit);
  return range && Number.isSafeInteger(range[1]) ? range : null;
}

function guessedSeqs(want: PageWanted, limit: number): Range | null {
  switch (want.kind) {
    case 'newest':
      return null; // needs the count
    case 'older':
      return want.before > 1 ? rangeOf(want, Number.MAX_SAFE_INTEGER, limit) : null;
    case 'newer':
      return [want.after + 1, want.after + limit];
    case 'around': {
      const from = Math.max(1, want.seq - Math.floor(limit / 2));
      return [from, from + limit - 1];
    }
  }
}

function pageWanted(opts: ListOptions): PageWanted {
  if (opts.aroundSeq !== undefined) {
    if (opts.cursor) {
      throw new Refusal({
        code: 'BAD_REQUEST',
        message: 'Ask for a page around a message or by cursor, not both.',
      });
    }
    return { kind: 'around', seq: opts.aroundSeq };
  }
  if (!opts.cursor) return { kind: 'newest' };
  const c = decodeMessageCursor(opts.cursor, opts.sessionId);
  return c.direction === 'older'
    ? { kind: 'older', before: c.seq }
    : { kind: 'newer', after: c.seq };
}

/** False when `want` points past the session's end: a cursor or seq it never gave. */
function fits(want: PageWanted, count: number): boolean {
  switch (want.kind) {
    case 'newest':
      return true;
    case 'older':
      return want.before <= count + 1;
    case 'newer':
      return want.after <= count;
    case 'around':
      return want.seq <= count;
  }
}

type ListOptions = {
  sessionId: string;
  limit: number;
  cursor?: string | null | undefined;
  aroundSeq?: number | undefined;
};

export async function listMessages(
  services: Services,
  user: UserDoc,
  opts: ListOptions,
): Promise<{
  items: Message[];
  nextCursor: string | null;
  prevCursor: string | null;
  changeCount: number;
}> {
  // Checked whole before any read: a cursor's number bounds the buckets fetched below.
  const want = pageWanted(opts);
  // A cursor or a seq names the page's seqs, so its buckets are read alongside the session,
  // not after it; they are used only once the session proves to be the caller's.
  const guess = guessedRange(want, opts.limit);
  let prefetched: Promise<Array<BucketDoc | null>> | undefined;
  if (guess) {
    prefetched = fetchBuckets(services.db, toObjectId(opts.sessionId), ...guess);
    prefetched.catch(() => {}); // its failure surfaces where it is awaited, or nowhere
  }
  const session = await loadOwnedSession(services, user._id, opts.sessionId);
  if (!fits(want, session.message_count ?? 0)) {
    if (want.kind === 'around') {
      throw new Refusal({ code: 'BAD_REQUEST', message: 'That message is not in this chat.' });
    }
    throw invalidCursor();
  }
  const range = (s: SessionDoc) => rangeOf(want, s.message_count ?? 0, opts.limit);
  const [from0, to0] = range(session);
  const usable = guess && guess[0] === from0 && guess[1] === to0 ? prefetched : undefined;
  const read = await readMessages(services, session, range, usable);
  const count = read.session.message_count ?? 0;
  let kept = read.entries;
  if (want.kind === 'newer') kept = oldestThatFit(kept);
  else if (want.kind === 'around') {
    // The whole page when it fits; else one that starts at the message asked for.
    const at = Math.max(
      0,
      kept.findIndex((e) => e.seq >= want.seq),
    );
    if (oldestThatFit(kept).length < kept.length) kept = oldestThatFit(kept.slice(at));
  } else kept = newestThatFit(kept);
  const from = kept[0]?.seq ?? 1;
  const to = kept.at(-1)?.seq ?? count;
  // Deleted messages are left out, but their seqs still count: pages and cursors go by seq.
  return {
    items: kept.filter((e) => !e.deleted).map((e) => toApiMessage(e, session._id)),
    nextCursor: from > 1 ? messageCursor(opts.sessionId, 'older', from) : null,
    prevCursor:
      want.kind !== 'newest' && to < count ? messageCursor(opts.sessionId, 'newer', to) : null,
    // Read before the messages: a change made meanwhile is at worst replayed, never missed.
    changeCount: session.change_count ?? 0,
  };
}
