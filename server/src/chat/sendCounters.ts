// A send batch's counter update: the session's message_count moves by the batch's
// size, and the seqs follow from it. Either each session's own findOneAndUpdate,
// whose answer gives the count, or, on FerretDB in one process, one update
// command for many sessions, whose counts this process already holds.
import type { AnyBulkWriteOperation } from 'mongodb';
import type { SessionDoc } from '../db/documents';
import type { Services } from '../services';
import { SharedWriteFailed } from './batching';

/** A batch's counter update: `n` more messages in `session` (as the batch read it) at `now`. */
export interface Counter {
  session: SessionDoc;
  n: number;
  now: Date;
}

/**
 * Whether sessions' counter updates share one command. On FerretDB an update is a
 * read and then a write, atomic against nothing but this process's own lock, so
 * while Parley runs as one process the count it holds under the session's lock is
 * the count stored, and the seqs follow from it. One command of 16 statements costs
 * FerretDB about 0.6 of 16 commands. On MongoDB, or beside other processes, each
 * session's update returns its count, and the seqs come from that.
 */
export function countersTogether(services: Services): boolean {
  return services.db.engine === 'ferretdb' && services.sessionCopies.enabled;
}

const counterUpdate = ({ n, now }: Counter) => ({
  $inc: { message_count: n },
  $set: { last_message_at: now, updated_at: now, activity_at: now },
});

/** The session as its counter update leaves it. */
export const counted = (c: Counter): SessionDoc => ({
  ...c.session,
  ...counterUpdate(c).$set,
  message_count: (c.session.message_count ?? 0) + c.n,
});

/** Takes the next `n` seqs of a session and marks its activity; null if it is gone. */
export function reserveSeqs(services: Services, c: Counter) {
  return services.db.sessions.findOneAndUpdate({ _id: c.session._id }, counterUpdate(c), {
    returnDocument: 'after',
  });
}

/**
 * One command of counter updates; every session in it must still be there, and it
 * fails as a whole when any statement fails (batching.ts, SharedWriteFailed).
 */
export async function updateCounters(services: Services, ops: AnyBulkWriteOperation<SessionDoc>[]) {
  const result = await services.db.sessions.bulkWrite(ops, { ordered: false });
  if (result.matchedCount !== ops.length) {
    throw new SharedWriteFailed(
      `${ops.length - result.matchedCount} of ${ops.length} sessions were gone at their counter update.`,
    );
  }
}

/** The statement of one session's counter in a shared update command. */
export const counterStatement = (c: Counter): AnyBulkWriteOperation<SessionDoc> => ({
  updateOne: { filter: { _id: c.session._id }, update: counterUpdate(c) },
});
