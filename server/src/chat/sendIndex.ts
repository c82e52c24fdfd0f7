// A send batch's index entry and counter, under its user's lock: one $set of every
// waiting session's entry in the user's index (written before the sessions, see
// sessionIndex.ts), then the sessions' counters, in one shared command or each
// its own (sendCounters.ts).
import type { AnyBulkWriteOperation } from 'mongodb';
import type { SessionDoc, UserDoc } from '../db/documents';
import { idString } from '../db/ids';
import type { Services } from '../services';
import { asError, type GroupWrite, maxStatements } from './batching';
import { markDamaged } from './damage';
import { type Counter, counted, counterStatement, reserveSeqs } from './sendCounters';
import { type IndexEntry, packIndex, rebuildIndex } from './sessionIndex';

export interface WriteLines {
  /** Runs the pipeline's writes one at a time, in order. */
  write: <T>(task: () => Promise<T>) => Promise<T>;
  /** Counter updates, shared across sessions; null when each session's goes alone. */
  counters: GroupWrite<AnyBulkWriteOperation<SessionDoc>> | null;
}

/** An index entry to write under the user's lock, then the counter update it announces. */
export interface IndexJob {
  user: UserDoc;
  entry: IndexEntry;
  counter: Counter;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * One user's index entries, under the user's lock: one $set of them all (the
 * index is written before the sessions, see sessionIndex.ts), then the sessions'
 * counters: one shared command, or each session's own update.
 */
export async function storeIndexJobs(
  services: Services,
  p: WriteLines,
  jobs: IndexJob[],
): Promise<Array<SessionDoc | null | Error>> {
  const { write } = p;
  const user = jobs[0]?.user as UserDoc;
  const fields: Record<string, string> = {};
  for (const [id, packed] of Object.entries(packIndex(jobs.map((j) => j.entry)))) {
    fields[`e.${id}`] = packed;
  }
  const set = (upsert: boolean) =>
    write(() =>
      services.db.sessionIndex.updateOne({ _id: idString(user._id) }, { $set: fields }, { upsert }),
    );
  // As withIndexEntry: a user kept an index from the start has none to lose; any other
  // gets it built whole first, never a partial one.
  if ((await set(user.session_index === 1)).matchedCount === 0 && user.session_index !== 1) {
    await rebuildIndex(services.db, user._id);
    await set(true);
  }
  if (!p.counters) {
    return Promise.all(
      jobs.map((j) => write(() => reserveSeqs(services, j.counter)).catch(asError)),
    );
  }
  try {
    // At most maxStatements statements a command: FerretDB stalls on a hundred-odd.
    const counters = p.counters;
    const outcomes = await Promise.all(
      chunks(jobs, maxStatements).map((part) =>
        counters.submit(part.map((j) => counterStatement(j.counter))),
      ),
    );
    const failed = outcomes.flat().find((e) => e);
    if (failed) throw failed;
  } catch (e) {
    // FerretDB keeps the statements before a failed one: any of these counters may have moved.
    for (const j of jobs) markDamaged(services, idString(j.counter.session._id));
    return jobs.map(() => asError(e));
  }
  return jobs.map((j) => counted(j.counter));
}
