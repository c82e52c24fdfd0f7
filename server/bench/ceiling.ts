// The physical ceiling: the driver's insertOne rate on the embedded database with
// no HTTP at all, one at a time and 16 at once.
import { ObjectId } from 'mongodb';
import type { Bench } from './context';
import { fmt } from './report';
import { rateOf } from './stats';

function insertRate(b: Bench, concurrency: number, ms: number): Promise<number> {
  const coll = b.stack.parley.services.db.db.collection('bench_ceiling');
  return rateOf(concurrency, ms, () =>
    coll.insertOne({
      _id: new ObjectId(),
      session_id: new ObjectId(),
      content: 'a benchmark message of a typical length',
      created_at: new Date(),
    }),
  );
}

export async function measureCeiling(b: Bench): Promise<void> {
  const ms = b.full ? 5_000 : 2_000;
  const one = await insertRate(b, 1, ms);
  const many = await insertRate(b, 16, ms);
  b.progress(`insertOne: ${one}/s one at a time, ${many}/s with 16 at once`);
  b.raw.ceiling = { insertOnePerSecond: one, insertOne16PerSecond: many };
  b.rows.push({
    what: 'database ceiling: driver insertOne/s (1 / 16 at once), no HTTP',
    parley: '—',
    baseline: `${fmt(one)} / ${fmt(many)}`,
    ratio: '—',
    target: 'report (a send is 3 writes + 2 reads)',
  });
}
