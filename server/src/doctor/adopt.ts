// First start on a database the old service wrote: Parley's marker is absent and
// the old collections hold data. The doctor's safe repairs then run in the
// background, in small batches between which requests go first: string references
// become ObjectIds, and each session's count, last message time, seqs and read
// model are rebuilt under the session's lock. What the doctor would quarantine is
// only counted, with a warning to run `npm run doctor -- --fix`. The marker is
// recorded when the pass ends, so it runs once; a stop mid-way runs it again.
import { setImmediate as yieldToRequests } from 'node:timers/promises';
import { type Document, ObjectId } from 'mongodb';
import { indexesFromSessions, writeIndexIfAbsent } from '../chat/indexesFromSessions';
import { rebuildReadModel, UnreadableMessagesError } from '../chat/rebuildReadModel';
import { refreshIndexEntry } from '../chat/sessionIndex';
import { sessionLockKey } from '../chat/sessions';
import type { Database } from '../db/database';
import type { SessionDoc } from '../db/documents';
import { asObjectId, toObjectId } from '../db/ids';
import { log } from '../log';
import type { Services } from '../services';

const markerId = 'database';
const batch = 50;

export function metaCollection(db: Database) {
  return db.db.collection<{ _id: string; written_by: string; at: Date }>('parley_meta');
}

/** False when Parley has written here before, or nothing has (then it marks the database). */
export async function needsAdoption(db: Database): Promise<boolean> {
  if (await metaCollection(db).findOne({ _id: markerId })) return false;
  for (const c of [db.sessions, db.messages, db.users]) {
    if ((await c.estimatedDocumentCount()) > 0) return true;
  }
  await recordMarker(db);
  return false;
}

async function recordMarker(db: Database): Promise<void> {
  await metaCollection(db).updateOne(
    { _id: markerId },
    { $setOnInsert: { written_by: 'parley', at: new Date() } },
    { upsert: true },
  );
}

/** What one pass over `messages` says about each session (by its hex id). */
interface SessionFacts {
  live: number;
  seqs: Set<number>;
  stringRefs: boolean;
}

export interface AdoptionReport {
  sessions: number;
  repaired: number;
  /** Documents only `npm run doctor -- --fix` may move: bad ids, orphans, unreadable. */
  leftForDoctor: number;
}

async function messageFacts(db: Database, isStopped: () => boolean) {
  const facts = new Map<string, SessionFacts>();
  let unusable = 0;
  let seen = 0;
  const projection = { _id: 1, session_id: 1, user_id: 1, seq: 1, deleted: 1 };
  for await (const m of db.db.collection('messages').find({}, { projection })) {
    if (isStopped()) break;
    if (++seen % 1_000 === 0) await yieldToRequests();
    const session = asObjectId(m.session_id);
    if (!(m._id instanceof ObjectId) || !session || !asObjectId(m.user_id)) {
      unusable++;
      continue;
    }
    if (m.deleted === true) continue;
    const key = session.toHexString();
    const f = facts.get(key) ?? { live: 0, seqs: new Set<number>(), stringRefs: false };
    facts.set(key, f);
    f.live++;
    if (typeof m.seq === 'number') f.seqs.add(m.seq);
    if (!(m.session_id instanceof ObjectId) || !(m.user_id instanceof ObjectId))
      f.stringRefs = true;
  }
  return { facts, unusable };
}

function healthy(s: Document, f: SessionFacts | undefined): boolean {
  const live = f?.live ?? 0;
  if (s.read_model !== 1 || s.message_count !== live || f?.stringRefs) return false;
  return live === 0 || (f?.seqs.size === live && f.seqs.has(1) && f.seqs.has(live));
}

/** One session, under its lock: its owner reference, then its read model if broken. */
async function repairSession(services: Services, s: Document, f: SessionFacts | undefined) {
  const id = s._id as ObjectId;
  return services.locks.run(sessionLockKey(id.toHexString()), async () => {
    const current = await services.db.sessions.findOne({ _id: id });
    if (!current) return false;
    const owner = asObjectId(current.user_id);
    const stringOwner = owner !== null && !(current.user_id instanceof ObjectId);
    if (owner && stringOwner) {
      await services.db.sessions.updateOne({ _id: id }, { $set: { user_id: owner } });
      current.user_id = owner;
    }
    if (healthy(current, f)) return stringOwner;
    await refreshIndexEntry(services, await rebuildReadModel(services.db, current as SessionDoc));
    return true;
  });
}

/** The repair pass, for a database needsAdoption says the old service wrote. */
export async function adoptOldDatabase(
  services: Services,
  isStopped: () => boolean = () => false,
): Promise<AdoptionReport | null> {
  const { db } = services;
  const started = Date.now();
  log.info('first start on a database the old service wrote: repairing it in the background');
  const { facts, unusable } = await messageFacts(db, isStopped);
  const total = await db.sessions.estimatedDocumentCount();
  const report: AdoptionReport = { sessions: 0, repaired: 0, leftForDoctor: unusable };
  const known = new Set<string>();
  for await (const s of db.db.collection('chat_sessions').find({})) {
    if (isStopped()) return null;
    if (!(s._id instanceof ObjectId) || !asObjectId(s.user_id)) {
      report.leftForDoctor++;
      continue;
    }
    known.add(s._id.toHexString());
    report.sessions++;
    const f = facts.get(s._id.toHexString());
    const owned = s.user_id instanceof ObjectId;
    if (!owned || !healthy(s, f)) {
      try {
        if (await repairSession(services, s, f)) report.repaired++;
      } catch (e) {
        if (!(e instanceof UnreadableMessagesError)) throw e;
        report.leftForDoctor++;
      }
    }
    if (report.sessions % batch === 0) {
      log.info('repairing the old database', { sessions: report.sessions, of: total });
      await yieldToRequests();
    }
  }
  for (const [key, f] of facts) if (!known.has(key)) report.leftForDoctor += f.live; // orphans
  // The owners' session indexes, from the sessions as repaired; one built meanwhile stays.
  for (const [userId, index] of await indexesFromSessions(db)) {
    if (isStopped()) return null;
    await writeIndexIfAbsent(services, toObjectId(userId), index);
  }
  await recordMarker(db);
  log.info('old database repaired', { ...report, ms: Date.now() - started });
  if (report.leftForDoctor > 0) {
    log.warn(
      'some documents of the old database need a decision: run `npm run doctor` to list them and `npm run doctor -- --fix` to repair or quarantine them',
      { documents: report.leftForDoctor },
    );
  }
  return report;
}
