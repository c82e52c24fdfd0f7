// `npx tsx bench/commandCosts.ts`: what one command of each kind a send makes
// costs the embedded database, one at a time: its CPU (from /proc/<pid>/stat)
// and wall time per command. FERRETDB_BIN picks another build of the wrapper, so
// SQLite settings can be compared side by side.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Document, MongoClient, ObjectId } from 'mongodb';
import { encodeEntry } from '../src/chat/readModel';
import { newSessionDoc } from '../src/chat/sessions';
import { ferretdbArgs, ferretdbBinary, socketUri, waitForPing } from '../src/db/ferretdb';
import { processCpuMs } from './dbCpu';

const content = 'a benchmark message of a typical length';
const message = (sessionId: ObjectId, seq: number) => ({
  _id: new ObjectId(),
  session_id: sessionId,
  user_id: sessionId,
  content,
  role: 'user',
  created_at: new Date(),
  updated_at: new Date(),
  deleted: false,
  deleted_at: null,
  seq,
});
const entry = (seq: number) => {
  const { session_id: _s, deleted: _d, deleted_at: _a, ...e } = message(new ObjectId(), seq + 1);
  return { ...e, role: 'user' as const };
};

/** The process's peak resident memory, as /proc tells it. */
function peakRss(pid: number): string {
  try {
    return /VmHWM:\s*(.+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]?.trim() ?? '?';
  } catch {
    return '?';
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-costs-'));
  const sqlite = join(dir, 'db');
  mkdirSync(sqlite, { mode: 0o700 });
  const socket = join(dir, 'db.sock');
  const child = spawn(process.env.FERRETDB_BIN ?? ferretdbBinary(), ferretdbArgs(sqlite, socket), {
    stdio: 'ignore',
  });
  const pid = child.pid ?? 0;
  const client = new MongoClient(socketUri(socket));
  try {
    await waitForPing(socketUri(socket));
    await client.connect();
    const db = client.db('costs');
    const sessions = db.collection<Document>('chat_sessions');
    const messages = db.collection<Document>('messages');
    const buckets = db.collection<{ _id: string; n: number; messages: Document[] }>(
      'message_buckets',
    );
    const index = db.collection<{ _id: string } & Document>('session_index');
    const sessionIds = Array.from({ length: 64 }, () => new ObjectId());
    // Sessions as Parley stores them.
    await sessions.insertMany(
      sessionIds.map((_id) => ({ ...newSessionDoc(new ObjectId(), 'a session'), _id })),
    );
    await index.insertOne({
      _id: 'u',
      e: Object.fromEntries(
        sessionIds.map((id) => [
          id.toHexString(),
          JSON.stringify([1, 2, 0, 'a session', 3, 4, 5, null]),
        ]),
      ),
    });
    await messages.insertMany(
      Array.from({ length: 2000 }, (_, i) => message(sessionIds[0] as ObjectId, i)),
    );
    // The wrapper indexes _id expressions every 2 s: wait for it to have seen every collection.
    await new Promise((r) => setTimeout(r, 5000));

    const rows: Array<[string, number, number, number]> = [];
    const time = async (what: string, n: number, op: (i: number) => Promise<unknown>) => {
      for (let i = 0; i < 5; i++) await op(i); // warm
      const cpu0 = processCpuMs(pid);
      const t0 = performance.now();
      for (let i = 0; i < n; i++) await op(i);
      const wall = (performance.now() - t0) / n;
      const cpu = (processCpuMs(pid) - cpu0) / n;
      rows.push([what, n, cpu, wall]);
      console.log(`${what}: ${cpu.toFixed(2)} ms CPU, ${wall.toFixed(2)} ms wall (${n} runs)`);
    };
    const sid = sessionIds[1] as ObjectId;
    await time('findOne session by _id', 400, () => sessions.findOne({ _id: sid }));
    await time('insertOne message', 400, (i) => messages.insertOne(message(sid, i)));
    await time('insertMany of 16 messages', 60, (i) =>
      messages.insertMany(Array.from({ length: 16 }, (_, k) => message(sid, i * 16 + k))),
    );
    await time('findOneAndUpdate counter ($inc) by _id', 400, () =>
      sessions.findOneAndUpdate(
        { _id: sid },
        { $inc: { message_count: 1 }, $set: { updated_at: new Date() } },
        { returnDocument: 'after' },
      ),
    );
    // The same counter without the document back: what a send would make if it knew the count.
    await time('updateOne counter ($inc) by _id', 400, () =>
      sessions.updateOne(
        { _id: sid },
        { $inc: { message_count: 1 }, $set: { updated_at: new Date() } },
      ),
    );
    // A round of 16 sessions' counters: one command each, or one command of 16 statements.
    const sixteen = sessionIds.slice(0, 16);
    const inc = () => ({ $inc: { message_count: 1 }, $set: { updated_at: new Date() } });
    await time('16 counter updates, a command each, one at a time (per 16)', 40, async () => {
      for (const id of sixteen) await sessions.updateOne({ _id: id }, inc());
    });
    await time('16 counter updates in one update command (per 16)', 40, () =>
      sessions.bulkWrite(
        sixteen.map((id) => ({ updateOne: { filter: { _id: id }, update: inc() } })),
        { ordered: false },
      ),
    );
    await time('index $set of one entry (64 sessions)', 400, (i) =>
      index.updateOne({ _id: 'u' }, { $set: { [`e.${sid.toHexString()}`]: `[${i}]` } }),
    );
    // Buckets of 50: the n-th push goes to bucket floor(n / 50), so buckets are on average half full.
    await time('bucket $push of one entry (avg. 25 in bucket)', 400, (i) =>
      buckets.updateOne(
        { _id: `b:${Math.floor(i / 50)}` },
        { $push: { messages: entry(i) }, $setOnInsert: { n: 0 } },
        { upsert: true },
      ),
    );
    // As Parley stores entries now: one packed string each (chat/readModel.ts encodeEntry).
    await time('bucket $push of one packed entry (avg. 25 in bucket)', 400, (i) =>
      buckets.updateOne(
        { _id: `p:${Math.floor(i / 50)}` },
        {
          $push: { messages: encodeEntry(entry(i)) as unknown as Document },
          $setOnInsert: { n: 0 },
        },
        { upsert: true },
      ),
    );
    await time('bucket $push $each of 16 packed entries', 60, (i) =>
      buckets.updateOne(
        { _id: `q:${Math.floor(i / 3)}` },
        {
          $push: {
            messages: {
              $each: Array.from({ length: 16 }, (_, k) => encodeEntry(entry(i * 16 + k))),
            },
          },
          $setOnInsert: { n: 0 },
        },
        { upsert: true },
      ),
    );
    await time('bucket $push $each of 16 entries', 60, (i) =>
      buckets.updateOne(
        { _id: `c:${Math.floor(i / 3)}` },
        {
          $push: { messages: { $each: Array.from({ length: 16 }, (_, k) => entry(i * 16 + k)) } },
          $setOnInsert: { n: 0 },
        },
        { upsert: true },
      ),
    );
    console.log(`database peak RSS: ${peakRss(pid)}`);
    console.log('\n| command | database CPU | wall |\n| --- | --- | --- |');
    for (const [what, , cpu, wall] of rows) {
      console.log(`| ${what} | ${cpu.toFixed(2)} ms | ${wall.toFixed(2)} ms |`);
    }
  } finally {
    await client.close();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
