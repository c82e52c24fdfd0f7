import { spawn } from 'node:child_process';
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Database } from '../../src/db/database';
import { type DoctorReport, runDoctor } from '../../src/doctor';
import { setLogLevel } from '../../src/log';
import { serverRoot } from '../../src/paths';
import type { Services } from '../../src/services';
import { callerFor, closeServices, newUser, testServices } from '../support/harness';

let services: Services;
let db: Database;
let alice: Awaited<ReturnType<typeof newUser>>;
const raw = (name: string) => db.db.collection(name);

const at = (minute: number) => new Date(Date.UTC(2025, 0, 1, 12, minute));
const hex = () => new ObjectId().toHexString();

function seedMessage(fields: Record<string, unknown>) {
  return {
    content: 'from the old service',
    role: 'user',
    created_at: at(0),
    updated_at: at(0),
    deleted: false,
    deleted_at: null,
    ...fields,
  };
}

function seedSession(fields: Record<string, unknown>) {
  return {
    title: 'Old chat',
    message_count: 0,
    last_message_at: null,
    created_at: at(0),
    updated_at: at(0),
    deleted: false,
    deleted_at: null,
    ...fields,
  };
}

/** Every document of the collections the doctor touches, for before/after comparisons. */
async function snapshot(): Promise<string> {
  const names = ['users', 'chat_sessions', 'messages', 'message_buckets', 'quarantine'];
  const out: Record<string, unknown[]> = {};
  for (const name of names) {
    const docs = await raw(name).find({}).toArray();
    out[name] = docs
      .map((d) => JSON.stringify(d))
      .sort()
      .map((s) => JSON.parse(s));
  }
  return JSON.stringify(out);
}

function countOf(report: DoctorReport, kind: string): number {
  const f = report.findings.find((x) => x.kind === kind);
  if (!f) throw new Error(`no finding ${kind}`);
  return f.count;
}

function runCli(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/doctor/cli.ts', ...args], {
    cwd: serverRoot(),
    env: {
      ...process.env,
      NODE_ENV: 'test',
      MONGODB_URI: inject('mongoUri'),
      MONGODB_DB: db.db.databaseName,
      JWT_SECRET: services.config.jwtSecret,
    },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    err += d;
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out, err })));
}

// The planted damage, one kind at a time.
const ids = {
  hexSession: hex(),
  stringRefsSession: new ObjectId(),
  noReadModelSession: new ObjectId(),
  missingSession: new ObjectId(),
  unreadableMessage: new ObjectId(),
};
let healthySessionId: string;
let totalBefore: number;

beforeAll(async () => {
  setLogLevel('warn');
  services = await testServices();
  db = services.db;
  alice = await newUser(services, 'alice');
  const aliceId = alice.user._id;
  const aliceHex = aliceId.toHexString();

  // A session Parley wrote itself: the doctor must leave it alone.
  const healthy = await alice.caller.session.create({ title: 'Healthy' });
  healthySessionId = healthy.id;
  await alice.caller.message.send({ sessionId: healthy.id, content: 'fine' });

  // `_id: ""`, the old service's bug, in each collection.
  await raw('users').insertOne({
    _id: '' as never,
    username: 'ghost',
    hashed_password: 'x',
    created_at: at(0),
  });
  await raw('chat_sessions').insertOne(
    seedSession({ _id: '', user_id: aliceId, title: 'Empty id' }),
  );
  await raw('messages').insertOne(seedMessage({ _id: '', session_id: '', user_id: aliceId }));

  // A user the old service let in beside "alice": Parley's unique index cannot be built.
  await raw('users').insertOne({ username: 'ALICE', hashed_password: 'x', created_at: at(0) });

  // A session whose _id is its ObjectId's hex as a string, with a message pointing at it by string.
  await raw('chat_sessions').insertOne(
    seedSession({
      _id: ids.hexSession,
      user_id: aliceId,
      message_count: 1,
      last_message_at: at(1),
    }),
  );
  await raw('messages').insertOne(
    seedMessage({
      session_id: ids.hexSession,
      user_id: aliceId,
      content: 'hex',
      created_at: at(1),
    }),
  );

  // String references everywhere, wrong counters, no seq, no read model.
  await raw('chat_sessions').insertOne(
    seedSession({
      _id: ids.stringRefsSession,
      user_id: aliceHex,
      message_count: 5,
      last_message_at: null,
    }),
  );
  for (const [i, content] of ['one', 'two', 'three'].entries()) {
    await raw('messages').insertOne(
      seedMessage({
        session_id: ids.stringRefsSession.toHexString(),
        user_id: aliceHex,
        content,
        created_at: at(10 + i),
      }),
    );
  }

  // Right counters and seq, but the read model was never built.
  await raw('chat_sessions').insertOne(
    seedSession({
      _id: ids.noReadModelSession,
      user_id: aliceId,
      message_count: 2,
      last_message_at: at(21),
      read_model: 1,
    }),
  );
  for (const seq of [1, 2]) {
    await raw('messages').insertOne(
      seedMessage({
        session_id: ids.noReadModelSession,
        user_id: aliceId,
        seq,
        content: `rm${seq}`,
        created_at: at(19 + seq),
      }),
    );
  }

  // Messages that can never be shown: an orphan, a reference that is no id, one without a date.
  await raw('messages').insertOne(
    seedMessage({ session_id: ids.missingSession, user_id: aliceId }),
  );
  await raw('messages').insertOne(seedMessage({ session_id: 'not-an-id', user_id: aliceId }));
  await raw('messages').insertOne(
    seedMessage({
      _id: ids.unreadableMessage,
      session_id: ids.noReadModelSession,
      user_id: aliceId,
      created_at: 'yesterday',
    }),
  );

  totalBefore = 0;
  for (const name of ['users', 'chat_sessions', 'messages'])
    totalBefore += await raw(name).countDocuments();
});
afterAll(() => closeServices(services));

describe('the database doctor', () => {
  it('reports each kind of damage without changing anything', async () => {
    const before = await snapshot();
    const steps = new Map<string, [number, number]>();
    const report = await runDoctor(db, {
      progress: (step, done, total) => steps.set(step, [done, total]),
    });
    expect(await snapshot()).toBe(before);
    // Progress reaches the end of each long step.
    expect(steps.get('messages')?.[0]).toBe(await raw('messages').countDocuments());
    expect(steps.get('sessions')?.[0]).toBe(await raw('chat_sessions').countDocuments());
    expect(countOf(report, 'users.bad_id')).toBe(1);
    expect(countOf(report, 'users.username_case')).toBe(1);
    expect(countOf(report, 'chat_sessions.bad_id')).toBe(2);
    expect(countOf(report, 'messages.bad_id')).toBe(1);
    expect(countOf(report, 'chat_sessions.user_id')).toBe(1);
    // 1 (""), 1 hex, 3 stringRefs, 1 "not-an-id"
    expect(countOf(report, 'messages.session_id')).toBe(6);
    expect(countOf(report, 'messages.user_id')).toBe(3);
    expect(countOf(report, 'messages.orphan')).toBe(1);
    expect(countOf(report, 'messages.unreadable')).toBe(1);
    // The unreadable message still counts in its session until it is quarantined.
    expect(countOf(report, 'chat_sessions.message_count')).toBe(2);
    expect(countOf(report, 'chat_sessions.last_message_at')).toBe(1);
    expect(countOf(report, 'messages.seq')).toBe(4);
    expect(countOf(report, 'chat_sessions.read_model')).toBe(2);
    const examples = report.findings.find((f) => f.kind === 'chat_sessions.bad_id')?.examples;
    expect(examples).toContain('_id ""');
    expect(report.repaired + report.quarantined).toBe(0);
  });

  it('prints the report from `npm run doctor`', async () => {
    const { code, out } = await runCli([]);
    expect(code).toBe(0);
    expect(out).toMatch(/report only/);
    expect(out).toMatch(/!!\s+1\s+messages: their session does not exist/);
    expect(out).toMatch(/Run `npm run doctor -- --fix`/);
  });

  it('repairs what it can with --fix and quarantines the rest, losing nothing', async () => {
    const report = await runDoctor(db, { fix: true });
    expect(report.found).toBeGreaterThan(0);
    expect(report.quarantined).toBe(6);
    // Which of two "alice"s to keep is a person's call: reported, left in place.
    expect(report.manual).toBe(1);
    expect(await raw('users').countDocuments({ username: 'ALICE' })).toBe(1);

    // Nothing lost: every document is either still in place or in quarantine.
    const quarantined = await raw('quarantine').find({}).toArray();
    let totalAfter = quarantined.length;
    for (const name of ['users', 'chat_sessions', 'messages'])
      totalAfter += await raw(name).countDocuments();
    expect(totalAfter).toBe(totalBefore);
    // "" user, "" session, "" message, its-session-""-message (moved by the ids check already),
    // orphan, "not-an-id" and the unreadable one.
    const reasons = quarantined.map((q) => `${q.source}: ${q.reason}`).sort();
    expect(reasons).toEqual(
      [
        'chat_sessions: _id "" is not an ObjectId',
        'messages: _id "" is not an ObjectId',
        'messages: created_at is not a date',
        `messages: session ${ids.missingSession.toHexString()} does not exist`,
        'messages: session_id "not-an-id" is not an id',
        'users: _id "" is not an ObjectId',
      ].sort(),
    );
    const ghost = quarantined.find((q) => q.source === 'users');
    expect(ghost?.document).toMatchObject({ _id: '', username: 'ghost' });
    expect(ghost?.quarantined_at).toBeInstanceOf(Date);
    expect(
      quarantined.find(
        (q) => q.document._id instanceof ObjectId && q.document._id.equals(ids.unreadableMessage),
      ),
    ).toBeDefined();

    // No string ids or references are left.
    for (const name of ['users', 'chat_sessions', 'messages']) {
      const docs = await raw(name).find({}).toArray();
      for (const d of docs) expect(d._id).toBeInstanceOf(ObjectId);
    }
    for (const m of await raw('messages').find({}).toArray()) {
      expect(m.session_id).toBeInstanceOf(ObjectId);
      expect(m.user_id).toBeInstanceOf(ObjectId);
    }

    // The repaired sessions read correctly through the API.
    const broken = await alice.caller.session.get({ id: ids.stringRefsSession.toHexString() });
    expect(broken).toMatchObject({ messageCount: 3, lastMessageAt: at(12) });
    const page = await alice.caller.message.list({
      sessionId: ids.stringRefsSession.toHexString(),
    });
    expect(page.items.map((m) => [m.seq, m.content])).toEqual([
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
    ]);
    const rekeyed = await alice.caller.message.list({ sessionId: ids.hexSession });
    expect(rekeyed.items.map((m) => m.content)).toEqual(['hex']);
    const rm = await alice.caller.message.list({ sessionId: ids.noReadModelSession.toHexString() });
    expect(rm.items.map((m) => [m.seq, m.content])).toEqual([
      [1, 'rm1'],
      [2, 'rm2'],
    ]);
    const sessions = await alice.caller.session.list({ limit: 100 });
    expect(sessions.items.map((s) => s.id).sort()).toEqual(
      [
        healthySessionId,
        ids.hexSession,
        ids.stringRefsSession.toHexString(),
        ids.noReadModelSession.toHexString(),
      ].sort(),
    );

    // The session Parley wrote is as it was.
    const healthy = await callerFor(services, alice.user).message.list({
      sessionId: healthySessionId,
    });
    expect(healthy.items.map((m) => [m.seq, m.content])).toEqual([[1, 'fine']]);
  });

  it('changes nothing when --fix runs again', async () => {
    // The one decision left to a person: rename the second "alice".
    await raw('users').updateOne({ username: 'ALICE' }, { $set: { username: 'alice-old' } });
    const before = await snapshot();
    const report = await runDoctor(db, { fix: true });
    expect(report.found).toBe(0);
    expect(await snapshot()).toBe(before);
    const { code, out } = await runCli(['--fix']);
    expect(code).toBe(0);
    expect(out).toMatch(/Nothing to repair/);
    expect(await snapshot()).toBe(before);
  });
});
