// Reads stored messages for live streams straight from the read model's buckets (by
// _id). Unlike listing, it never repairs: a message another process is still writing
// is simply not there yet, so the stream waits for it instead of rebuilding under the writer.
import type { Message } from '@parley/shared';
import type { ObjectId } from 'mongodb';
import { toApiMessage } from '../chat/mappers';
import { bucketId, bucketOf } from '../chat/readModel';
import type { Database } from '../db/database';

/** Messages from..to (inclusive) in seq order, stopping at the first one not stored yet. */
export async function storedRun(
  db: Database,
  sessionId: ObjectId,
  from: number,
  to: number,
): Promise<Message[]> {
  if (to < from) return [];
  const ns: number[] = [];
  for (let n = bucketOf(from); n <= bucketOf(to); n++) ns.push(n);
  const buckets = await Promise.all(
    ns.map((n) => db.buckets.findOne({ _id: bucketId(sessionId, n) })),
  );
  const bySeq = new Map<number, Message>();
  for (const bucket of buckets) {
    for (const e of bucket?.messages ?? []) {
      if (e.seq >= from && e.seq <= to) bySeq.set(e.seq, toApiMessage(e, sessionId));
    }
  }
  const run: Message[] = [];
  for (let seq = from; seq <= to; seq++) {
    const m = bySeq.get(seq);
    if (!m) break;
    run.push(m);
  }
  return run;
}
