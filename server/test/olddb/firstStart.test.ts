// A database the old FastAPI service wrote, with the damage its bug left, served
// from Parley's first start, before anyone runs the doctor: no 500s, every count
// exact, no message out of sight.
import bcrypt from 'bcrypt';
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Parley } from '../../src/app';
import { connectDatabase, type Database } from '../../src/db/database';
import { metaCollection } from '../../src/doctor/adopt';
import { setLogLevel } from '../../src/log';
import { loginToken, type RestResponse, rest } from '../rest/support';
import { freshDbName, startTestServer } from '../support/harness';
import { type OldServiceFixture, oldServiceDatabase } from './fixture';

let dbName: string;
let db: Database;
let fixture: OldServiceFixture;
let parley: Parley;
let token: string;

/** Starts Parley on the old service's data; `adopted` marks it as adopted already, so
 * only the lazy repairs on first use protect it (the old service still writing there). */
async function start(adopted: boolean) {
  setLogLevel('silent');
  dbName = freshDbName();
  db = await connectDatabase(inject('mongoUri'), dbName);
  fixture = await oldServiceDatabase(db);
  if (adopted)
    await metaCollection(db).insertOne({ _id: 'database', written_by: 'parley', at: new Date() });
  parley = await startTestServer({ MONGODB_DB: dbName });
  token = await loginToken(parley.url, 'alice', 'alicepass123');
}

async function stop() {
  await parley?.stop();
  await db?.client.close();
}

type Json = Record<string, unknown>;
const no500 = (res: RestResponse) => {
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
  return res;
};

async function trpc(path: string, input: unknown, method: 'GET' | 'POST' = 'GET') {
  const encoded = encodeURIComponent(JSON.stringify({ json: input }));
  const res = await fetch(
    method === 'GET' ? `${parley.url}/trpc/${path}?input=${encoded}` : `${parley.url}/trpc/${path}`,
    {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: method === 'POST' ? JSON.stringify({ json: input }) : undefined,
    },
  );
  const body = (await res.json()) as { result?: { data: { json: Json } }; error?: unknown };
  expect(res.status, JSON.stringify(body)).toBeLessThan(500);
  return { status: res.status, data: body.result?.data.json };
}

describe.each([
  { when: 'on first use, the old service still writing beside Parley', adopted: true },
  { when: 'while the first start repairs it in the background', adopted: false },
])('a database the old service wrote, before the doctor runs: $when', ({ adopted }) => {
  beforeAll(() => start(adopted));
  afterAll(stop);

  it('lists the sessions over REST and tRPC, skipping only the one whose _id is ""', async () => {
    const res = no500(await rest(parley.url, 'GET', '/chat/sessions?limit=100', { token }));
    expect(res.status).toBe(200);
    const ids = (res.body as Json[]).map((s) => s._id);
    expect(ids).toContain(fixture.stringOwnedSession);
    expect(ids).toContain(fixture.busySession);
    expect(ids).not.toContain('');
    const listed = await trpc('session.list', { limit: 100 });
    expect(listed.status).toBe(200);
    const items = (listed.data as { items: Json[] }).items;
    expect(items.map((s) => s.id).sort()).toEqual([...ids].sort());
  });

  it('serves a session whose user_id is a hex string as the owner’s', async () => {
    const id = fixture.stringOwnedSession;
    const got = no500(await rest(parley.url, 'GET', `/chat/sessions/${id}`, { token }));
    expect(got.status).toBe(200);
    const messages = no500(
      await rest(parley.url, 'GET', `/chat/sessions/${id}/messages`, { token }),
    );
    expect(messages.status).toBe(200);
    expect((messages.body as Json[]).length).toBe(2);
    const listed = await trpc('message.list', { sessionId: id });
    expect(listed.status).toBe(200);
  });

  it('keeps every message of a session in sight, string references too, and its count', async () => {
    const id = fixture.busySession;
    const listed = await trpc('message.list', { sessionId: id, limit: 100 });
    expect(listed.status).toBe(200);
    const items = (listed.data as { items: Json[] }).items;
    expect(items).toHaveLength(30);
    expect(items.map((m) => m.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    const session = await trpc('session.get', { id });
    expect((session.data as Json).messageCount).toBe(30);
    const stored = await db.sessions.findOne({ _id: new ObjectId(id) });
    expect(stored?.message_count).toBe(30);
    const miscounted = await trpc('session.get', { id: fixture.miscountedSession });
    const page = await trpc('message.list', { sessionId: fixture.miscountedSession });
    expect((page.data as { items: Json[] }).items).toHaveLength(3);
    expect((await trpc('session.get', { id: fixture.miscountedSession })).data).toMatchObject({
      messageCount: 3,
    });
    expect(miscounted.status).toBe(200);
  });

  it('runs the seed’s curl sequence: create a session, send, read back', async () => {
    const created = no500(
      await rest(parley.url, 'POST', '/chat/sessions', { token, json: { title: 'My Chat' } }),
    );
    expect(created.status).toBe(200);
    const sid = (created.body as Json)._id as string;
    const sent = no500(
      await rest(parley.url, 'POST', `/chat/sessions/${sid}/messages`, {
        token,
        json: { content: 'Hello!' },
      }),
    );
    expect(sent.status).toBe(200);
    // A send into the damaged session lands after its 30 messages.
    const more = no500(
      await rest(parley.url, 'POST', `/chat/sessions/${fixture.busySession}/messages`, {
        token,
        json: { content: 'one more' },
      }),
    );
    expect(more.status).toBe(200);
    const session = await trpc('session.get', { id: fixture.busySession });
    expect((session.data as Json).messageCount).toBe(31);
  });

  it('signs in an account the old service created while Parley runs', async () => {
    await db.db.collection('users').insertOne({
      username: 'latecomer',
      email: 'late@example.com',
      hashed_password: await bcrypt.hash('latepass123', 4),
      created_at: new Date(),
    });
    const late = await loginToken(parley.url, 'latecomer', 'latepass123');
    expect(late).toEqual(expect.any(String));
  });
});

describe('the first start on a database the old service wrote', () => {
  beforeAll(() => start(false));
  afterAll(stop);

  it('repairs what is safe once, in the background, and leaves the rest for the doctor', async () => {
    const report = await parley.adoption;
    expect(report).toMatchObject({ sessions: 3, leftForDoctor: 2 }); // the "" session, the orphan
    const messages = await db.db
      .collection('messages')
      .find({ session_id: { $in: [fixture.busySession, new ObjectId(fixture.busySession)] } })
      .toArray();
    expect(messages).toHaveLength(30);
    expect(messages.every((m) => m.session_id instanceof ObjectId)).toBe(true);
    expect(messages.every((m) => m.user_id instanceof ObjectId)).toBe(true);
    expect(messages.map((m) => m.seq).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 30 }, (_, i) => i + 1),
    );
    const owned = await db.sessions.findOne({ _id: new ObjectId(fixture.stringOwnedSession) });
    expect(owned?.user_id).toBeInstanceOf(ObjectId);
    expect(owned?.read_model).toBe(1);
    const miscounted = await db.sessions.findOne({ _id: new ObjectId(fixture.miscountedSession) });
    expect(miscounted?.message_count).toBe(3);
    // The doctor's decisions are untouched: the "" session and the orphan stay where they are.
    expect(await db.db.collection('chat_sessions').countDocuments({ _id: '' } as never)).toBe(1);
    expect(await db.db.collection('messages').countDocuments()).toBe(fixture.messages);
  });

  it('runs once: the next start finds its marker', async () => {
    await parley.stop();
    parley = await startTestServer({ MONGODB_DB: dbName });
    expect(await parley.adoption).toBeNull();
    expect(await metaCollection(db).findOne({ _id: 'database' })).toMatchObject({
      written_by: 'parley',
    });
  });
});
