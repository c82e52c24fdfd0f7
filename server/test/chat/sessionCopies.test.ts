// A send batch reuses the session document the previous batch's counter update
// returned, instead of reading the session again. These hold that the copy never
// outlives a change: one made in this process drops it, and on MongoDB's path one
// made by another process (written straight to the database here) is caught on the
// document the counter update returns. On FerretDB in one process the counters share
// a command and return nothing (chat/sendCounters.ts): no other writer is there.
import { type CommandStartedEvent, type MongoClient, ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessBus } from '../../src/realtime/bus';
import { RedisBus } from '../../src/realtime/redisBus';
import { createServices, type Services } from '../../src/services';
import { redisFor } from '../realtime/twoServers';
import { newUser, testConfig } from '../support/harness';
import { monitoredServices } from '../support/monitored';

let services: Services;
let client: MongoClient;
let commands: CommandStartedEvent[] = [];

beforeAll(async () => {
  ({ services, client, commands } = await monitoredServices());
});
afterAll(() => client.close());

const sessionReads = () =>
  commands.filter((e) => e.commandName === 'find' && e.command.find === 'chat_sessions').length;

async function stored(id: string) {
  const doc = await services.db.sessions.findOne({ _id: new ObjectId(id) });
  if (!doc) throw new Error('no session');
  return doc;
}

describe('session copies kept between send batches', () => {
  it('sends into a session after the first without reading it again', async () => {
    const { caller } = await newUser(services);
    const s = await caller.session.create({ title: 'copies' });
    await caller.message.send({ sessionId: s.id, content: 'one' });
    commands.length = 0;
    await caller.message.send({ sessionId: s.id, content: 'two' });
    await caller.message.send({ sessionId: s.id, content: 'three' });
    expect(sessionReads()).toBe(0);
    const listed = await caller.message.list({ sessionId: s.id });
    expect(listed.items.map((m) => [m.seq, m.content])).toEqual([
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
    ]);
  });

  it('reads the session again after a rename here, and lists the new title and count', async () => {
    const { caller } = await newUser(services);
    const s = await caller.session.create({ title: 'before' });
    await caller.message.send({ sessionId: s.id, content: 'one' });
    await caller.session.rename({ id: s.id, title: 'after' });
    commands.length = 0;
    await caller.message.send({ sessionId: s.id, content: 'two' });
    expect(sessionReads()).toBe(1);
    const list = await caller.session.list();
    const entry = list.items.find((x) => x.id === s.id);
    expect([entry?.title, entry?.messageCount]).toEqual(['after', 2]);
  });

  it('refuses a send into a session trashed here and changes nothing', async () => {
    const { caller } = await newUser(services);
    const s = await caller.session.create({ title: 'trashed' });
    await caller.message.send({ sessionId: s.id, content: 'one' });
    await caller.session.delete({ id: s.id });
    await expect(caller.message.send({ sessionId: s.id, content: 'two' })).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
    });
    expect((await stored(s.id)).message_count).toBe(1);
  });
});

describe("session copies on MongoDB's path, where each counter update returns the session", () => {
  // The same database, as MongoDB's counters would be written: one findOneAndUpdate each.
  let onMongoPath: Services;
  beforeAll(() => {
    onMongoPath = createServices(
      testConfig(),
      { ...services.db, engine: 'mongodb' },
      new InProcessBus(),
    );
  });

  it('refuses a send into a session another process trashed, and repairs its count', async () => {
    const { caller } = await newUser(onMongoPath);
    const s = await caller.session.create({ title: 'elsewhere' });
    await caller.message.send({ sessionId: s.id, content: 'one' });
    const now = new Date();
    await services.db.sessions.updateOne(
      { _id: new ObjectId(s.id) },
      { $set: { deleted: true, deleted_at: now, updated_at: now } },
    );
    await expect(caller.message.send({ sessionId: s.id, content: 'two' })).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
    });
    expect(onMongoPath.damaged.has(s.id)).toBe(true);
    // The spent seqs are marked on the session, for every process; the index entry
    // the send wrote from its copy goes back to what the session says.
    expect((await stored(s.id)).read_model).toBe(0);
    expect((await caller.session.list()).items.map((x) => x.id)).not.toContain(s.id);
    expect((await caller.session.list({ view: 'trash' })).items.map((x) => x.id)).toContain(s.id);
    await caller.session.restore({ id: s.id });
    const listed = await caller.message.list({ sessionId: s.id });
    expect(listed.items.map((m) => m.content)).toEqual(['one']);
    expect((await stored(s.id)).message_count).toBe(1);
  });

  it('refuses a send into a session another process is purging, and lists it nowhere', async () => {
    const { caller } = await newUser(onMongoPath);
    const s = await caller.session.create({ title: 'going' });
    await caller.message.send({ sessionId: s.id, content: 'one' });
    const now = new Date();
    await services.db.sessions.updateOne(
      { _id: new ObjectId(s.id) },
      {
        $set: {
          deleted: true,
          deleted_at: now,
          purging: { at: now, left: 1, seen: 0, complete: true },
        },
      },
    );
    await expect(caller.message.send({ sessionId: s.id, content: 'two' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    for (const view of ['active', 'archived', 'trash'] as const) {
      expect((await caller.session.list({ view })).items.map((x) => x.id)).not.toContain(s.id);
    }
    await expect(caller.message.list({ sessionId: s.id })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it("puts another process's rename into the index entry the send writes", async () => {
    const { caller } = await newUser(onMongoPath);
    const s = await caller.session.create({ title: 'mine' });
    await caller.message.send({ sessionId: s.id, content: 'one' });
    await services.db.sessions.updateOne(
      { _id: new ObjectId(s.id) },
      { $set: { title: 'theirs' } },
    );
    await caller.message.send({ sessionId: s.id, content: 'two' });
    const list = await caller.session.list();
    const entry = list.items.find((x) => x.id === s.id);
    expect([entry?.title, entry?.messageCount]).toEqual(['theirs', 2]);
  });
});

const redis = await redisFor('session copies beside other processes');

describe.skipIf(redis.skipReason !== null)('session copies with other processes', () => {
  it('keeps none, so each send reads what another process may have changed', async () => {
    const bus = await RedisBus.connect(redis.url, `parley-copies-${process.pid}:`);
    const shared = createServices(testConfig(), services.db, bus);
    try {
      const { caller } = await newUser(shared);
      const s = await caller.session.create({ title: 'shared' });
      await caller.message.send({ sessionId: s.id, content: 'one' });
      expect(shared.sessionCopies.size).toBe(0);
      const now = new Date();
      await shared.db.sessions.updateOne(
        { _id: new ObjectId(s.id) },
        { $set: { deleted: true, deleted_at: now, updated_at: now } },
      );
      await expect(caller.message.send({ sessionId: s.id, content: 'two' })).rejects.toMatchObject({
        code: 'PRECONDITION_FAILED',
      });
      // Refused on the session as read, before any write: nothing to repair.
      const doc = await stored(s.id);
      expect([doc.message_count, doc.read_model]).toEqual([1, 1]);
    } finally {
      await bus.close();
      await redis.stop();
    }
  });
});
