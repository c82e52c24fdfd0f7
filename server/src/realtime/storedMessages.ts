// Reads stored messages for live streams straight from the read model's buckets (by
// _id). Unlike listing, it never repairs: a message another process is still writing
// is simply not there yet, so the stream waits for it instead of rebuilding under the writer.
import type { Message } from '@parley/shared';
import type { ObjectId } from 'mongodb';
import { toApiMessage } from '../chat/mappers';
import { bucketId, bucketOf, entriesOf } from '../chat/readModel';
import type { Database } from '../db/database';

/** A stored message; a deleted one keeps its seq, and streams step over it. */
export interface StoredMessage {
  message: Message;
  deleted: boolean;
}

/** The stored messages with the given seqs (one _id lookup per bucket), by seq. */
export async function storedAt(
  db: Database,
  sessionId: ObjectId,
  seqs: Iterable<number>,
): Promise<Map<number, StoredMessage>> {
  const wanted = new Set(seqs);
  const ns = [...new Set([...wanted].map(bucketOf))];
  const buckets = await Promise.all(
    ns.map((n) => db.buckets.findOne({ _id: bucketId(sessionId, n) })),
  );
  const bySeq = new Map<number, StoredMessage>();
  for (const bucket of buckets) {
    for (const e of entriesOf(bucket)) {
      if (wanted.has(e.seq)) {
        bySeq.set(e.seq, { message: toApiMessage(e, sessionId), deleted: e.deleted === true });
      }
    }
  }
  return bySeq;
}

/** Messages from..to (inclusive) in seq order, stopping at the first one not stored yet. */
export async function storedRun(
  db: Database,
  sessionId: ObjectId,
  from: number,
  to: number,
): Promise<StoredMessage[]> {
  if (to < from) return [];
  const seqs: number[] = [];
  for (let seq = from; seq <= to; seq++) seqs.push(seq);
  const bySeq = await storedAt(db, sessionId, seqs);
  const run: StoredMessage[] = [];
  for (const seq of seqs) {
    const m = bySeq.get(seq);
    if (!m) break;
    run.push(m);
  }
  return run;
}
