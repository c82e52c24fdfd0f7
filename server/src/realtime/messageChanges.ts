// The change side of message.onNew({ changes: true }): event ids name both the last
// seq and the last change delivered (`<seq>:<change>`), and a resume replays the
// changes missed from the session's recent changes, each with the message as it
// is now, read by _id from its bucket.
import type { MessageEvent } from '@parley/shared';
import type { Database } from '../db/database';
import type { SessionDoc } from '../db/documents';
import { Refusal } from '../lib/refusal';
import { storedAt } from './storedMessages';

/** A stream's position: the last seq, and with changes the last change number. */
export interface EventPosition {
  seq: number;
  change: number | null;
}

/** `<seq>` (what streams without changes send) or `<seq>:<change>`; null when none is given. */
export function parseEventId(id: string | null | undefined): EventPosition | null {
  if (id === undefined || id === null || id === '') return null;
  const m = /^(\d{1,15})(?::(\d{1,15}))?$/.exec(id);
  if (!m) {
    throw new Refusal({ code: 'BAD_REQUEST', message: 'lastEventId must be a message seq.' });
  }
  return { seq: Number(m[1]), change: m[2] === undefined ? null : Number(m[2]) };
}

export const eventId = (seq: number, change: number) => `${seq}:${change}`;

/** One change to deliver (event null: nothing to send for it, it only moves the position). */
export interface PendingChange {
  n: number;
  event: MessageEvent | null;
}

/**
 * The changes after `after`, up to the session's change_count. Changes to messages
 * past `delivered` are not sent: those go out as new messages, as they are now. A
 * resume older than the changes kept gets one `reset` instead.
 */
export async function changesAfter(
  db: Database,
  session: SessionDoc,
  after: number,
  delivered: number,
): Promise<PendingChange[]> {
  const count = session.change_count ?? 0;
  if (after >= count) return [];
  const recent = (session.recent_changes ?? []).filter(
    (r) => Number.isSafeInteger(r.n) && Number.isSafeInteger(r.seq) && r.n > after && r.n <= count,
  );
  if (recent[0]?.n !== after + 1 || recent.at(-1)?.n !== count) {
    return [{ n: count, event: { kind: 'reset' } }];
  }
  const seqs = recent.filter((r) => r.seq <= delivered).map((r) => r.seq);
  const stored = await storedAt(db, session._id, seqs);
  return recent.map((r) => {
    const found = r.seq <= delivered ? stored.get(r.seq) : undefined;
    return { n: r.n, event: found ? { kind: r.kind, message: found.message } : null };
  });
}
