import { type CommandStartedEvent, type MongoClient, ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketSize } from '../../src/chat/readModel';
import type { Services } from '../../src/services';
import { newUser } from '../support/harness';
import { monitoredServices, seedOldSession as seedOld } from '../support/monitored';

let services: Services;
let client: MongoClient;
let commands: CommandStartedEvent[];

beforeAll(async () => {
  ({ services, client, commands } = await monitoredServices());
});
afterAll(() => client.close());

const seedOldSession = (userId: ObjectId, n: number, count = n) =>
  seedOld(services, userId, n, { count });

function isIdLookup(e: CommandStartedEvent): boolean {
  const filter = e.command.filter as Record<string, unknown> | undefined;
  return (
    e.commandName === 'find' &&
    !!filter &&
    Object.keys(filter).length === 1 &&
    '_id' in filter &&
    !(typeof filter._id === 'object' && filter._id !== null && !(filter._id instanceof ObjectId))
  );
}

describe('the message read model', () => {
  it('serves a first page and a page deep in a 1,000-message session with _id lookups only', async () => {
    const { user, caller } = await newUser(services);
    const id = await seedOldSession(user._id, 1000);
    await caller.message.list({ sessionId: id }); // first sight: builds the read model
    commands.length = 0;
    const first = await caller.message.list({ sessionId: id, limit: 50 });
    expect(first.items.map((m) => m.seq)).toEqual(Array.from({ length: 50 }, (_, i) => 951 + i));

    // Walk to a page 900 deep, then watch only that read.
    let cursor = first.nextCursor;
    for (let i = 0; i < 17; i++)
      cursor = (await caller.message.list({ sessionId: id, limit: 50, cursor })).nextCursor;
    commands.length = 0;
    const deep = await caller.message.list({ sessionId: id, limit: 50, cursor });
    expect(deep.items[0]?.seq).toBe(51);
    const finds = commands.filter((e) => e.commandName !== 'endSessions');
    expect(finds.length).toBeGreaterThan(0);
    expect(finds.length).toBeLessThanOrEqual(3); // the session, then one or two buckets
    expect(finds.filter((e) => !isIdLookup(e)).map((e) => e.command)).toEqual([]);
    expect(finds.some((e) => e.command.find === 'messages')).toBe(false);
  });

  it('lists a session the old service wrote (no seq, no buckets) correctly on first read, then from buckets', async () => {
    const { user, caller } = await newUser(services);
    const id = await seedOldSession(user._id, 120);
    const page = await caller.message.list({ sessionId: id, limit: 30 });
    expect(page.items.map((m) => m.content)).toEqual(
      Array.from({ length: 30 }, (_, i) => `old ${91 + i}`),
    );
    expect(page.items.map((m) => m.seq)).toEqual(Array.from({ length: 30 }, (_, i) => 91 + i));
    const stored = await services.db.sessions.findOne({ _id: ObjectId.createFromHexString(id) });
    expect(stored?.read_model).toBe(1);
    expect(await services.db.buckets.countDocuments({ session_id: stored?._id })).toBe(
      Math.ceil(120 / bucketSize),
    );

    commands.length = 0;
    const again = await caller.message.list({ sessionId: id, limit: 30, cursor: page.nextCursor });
    expect(again.items.map((m) => m.seq)).toEqual(Array.from({ length: 30 }, (_, i) => 61 + i));
    expect(commands.filter((e) => e.command.find === 'messages')).toEqual([]);
    // And a send continues the numbering.
    const next = await caller.message.send({ sessionId: id, content: 'new here' });
    expect(next.seq).toBe(121);
  });

  it('repairs a session whose count disagrees with its messages', async () => {
    const { user, caller } = await newUser(services);
    const id = await seedOldSession(user._id, 10, 7); // the old counter drifted
    const page = await caller.message.list({ sessionId: id });
    expect(page.items).toHaveLength(10);
    expect((await caller.session.get({ id })).messageCount).toBe(10);
    // A bucket lost behind our back is rebuilt from the messages.
    await services.db.buckets.deleteOne({ _id: `${id}:0` });
    const healed = await caller.message.list({ sessionId: id });
    expect(healed.items.map((m) => m.content)).toEqual(
      Array.from({ length: 10 }, (_, i) => `old ${i + 1}`),
    );
  });
});

describe('the read model beside another process', () => {
  it('does not rebuild under a send that another process is still writing', async () => {
    const { user, caller } = await newUser(services);
    const s = await caller.session.create();
    for (let i = 0; i < 3; i++)
      await caller.message.send({ sessionId: s.id, content: `m${i + 1}` });
    const sid = ObjectId.createFromHexString(s.id);
    // Another process reserves seq 4 and is slow to write the message and its bucket entry.
    await services.db.sessions.updateOne({ _id: sid }, { $inc: { message_count: 1 } });
    const now = new Date();
    const late = {
      _id: new ObjectId(),
      session_id: sid,
      user_id: user._id,
      content: 'm4',
      role: 'user' as const,
      created_at: now,
      updated_at: now,
      deleted: false,
      deleted_at: null,
      seq: 4,
    };
    const otherProcess = (async () => {
      await new Promise((r) => setTimeout(r, 300));
      await services.db.messages.insertOne(late);
      const { appendToReadModel, toEntry } = await import('../../src/chat/readModel');
      await appendToReadModel(services.db, sid, toEntry(late));
    })();
    const page = await caller.message.list({ sessionId: s.id });
    await otherProcess;
    expect(page.items.map((m) => m.content)).toEqual(['m1', 'm2', 'm3', 'm4']);
    const stored = await services.db.sessions.findOne({ _id: sid });
    expect(stored?.message_count).toBe(4);
    expect(await services.db.messages.countDocuments({ session_id: sid })).toBe(4);
    const next = await caller.message.send({ sessionId: s.id, content: 'm5' });
    expect(next.seq).toBe(5);
  });
});
