// REST `skip`: deep into the sessions it is capped with a 422 that points to
// cursors; into a session's messages it is a seq position, read by _id at any depth.
import type { AddressInfo } from 'node:net';
import { type CommandStartedEvent, MongoClient, ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase } from '../../src/db/database';
import { ensureIndexes } from '../../src/db/indexes';
import { restRoutes } from '../../src/http/rest';
import { createHttpServer } from '../../src/http/server';
import { InProcessBus } from '../../src/realtime/bus';
import { createServices, type Services } from '../../src/services';
import { newUser, testConfig } from '../support/harness';
import { loginToken, rest } from './support';

let services: Services;
let client: MongoClient;
let server: ReturnType<typeof createHttpServer>;
let base: string;
const commands: CommandStartedEvent[] = [];

beforeAll(async () => {
  const config = testConfig();
  client = await MongoClient.connect(inject('mongoUri'), { monitorCommands: true });
  client.on('commandStarted', (e) => commands.push(e));
  const db = openDatabase(client, config.mongoDb);
  await ensureIndexes(db);
  services = createServices(config, db, new InProcessBus());
  server = createHttpServer(services, [restRoutes(services)]);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await client.close();
});

async function tokenFor(name: string) {
  await newUser(services, name);
  return loginToken(base, name, 'correct horse battery');
}

/** A session of n messages, written with the raw driver as the old service wrote them. */
async function seedSession(userId: ObjectId, n: number) {
  const sessionId = new ObjectId();
  const t0 = Date.now() - n * 1000;
  await services.db.sessions.insertOne({
    _id: sessionId,
    user_id: userId,
    title: 'long',
    message_count: n,
    last_message_at: new Date(t0 + (n - 1) * 1000),
    created_at: new Date(t0 - 1000),
    updated_at: new Date(t0),
    deleted: false,
    deleted_at: null,
  });
  await services.db.messages.insertMany(
    Array.from({ length: n }, (_, i) => ({
      _id: new ObjectId(),
      session_id: sessionId,
      user_id: userId,
      content: `m${i + 1}`,
      role: 'user' as const,
      created_at: new Date(t0 + i * 1000),
      updated_at: new Date(t0 + i * 1000),
      deleted: false,
      deleted_at: null,
    })),
  );
  return sessionId.toHexString();
}

const bucketReads = () =>
  commands.filter((e) => e.commandName === 'find' && e.command.find === 'message_buckets').length;

describe('REST skip', () => {
  it('into the sessions goes at most 1,000 deep; further is a 422 that points to cursors', async () => {
    const token = await tokenFor('skip_sessions');
    const deepest = await rest(base, 'GET', '/chat/sessions?skip=1000&limit=100', { token });
    expect(deepest.status).toBe(200);
    expect(deepest.body).toEqual([]);
    for (const skip of ['1001', '1900', '99999999999999999999999']) {
      const res = await rest(base, 'GET', `/chat/sessions?skip=${skip}&limit=100`, { token });
      expect(res.status).toBe(422);
      const [detail] = (res.body as { detail: { loc: string[]; msg: string; type: string }[] })
        .detail;
      expect(detail?.loc).toEqual(['query', 'skip']);
      expect(detail?.type).toBe('less_than_equal');
      expect(detail?.msg).toMatch(/less than or equal to 1000.*cursor/i);
    }
  });

  it('into the messages reads only the page asked for, however deep', async () => {
    const token = await tokenFor('skip_messages');
    const user = await services.db.users.findOne({ username: 'skip_messages' });
    const id = await seedSession(user?._id as ObjectId, 1000);
    const path = `/chat/sessions/${id}/messages`;
    expect((await rest(base, 'GET', `${path}?limit=1`, { token })).status).toBe(200); // builds the read model
    for (const skip of [0, 420, 990]) {
      commands.length = 0;
      const res = await rest(base, 'GET', `${path}?skip=${skip}&limit=10`, { token });
      expect(res.status).toBe(200);
      const contents = (res.body as { content: string }[]).map((m) => m.content);
      expect(contents).toEqual(Array.from({ length: 10 }, (_, i) => `m${skip + i + 1}`));
      // The 10 messages lie in one bucket or two; walking from the newest read up to 20.
      expect(bucketReads()).toBeLessThanOrEqual(2);
    }
    const past = await rest(base, 'GET', `${path}?skip=5000000000`, { token });
    expect(past.status).toBe(200);
    expect(past.body).toEqual([]);
    const tail = await rest(base, 'GET', `${path}?skip=995&limit=100`, { token });
    expect((tail.body as { content: string }[]).map((m) => m.content)).toEqual([
      'm996',
      'm997',
      'm998',
      'm999',
      'm1000',
    ]);
  });
});
