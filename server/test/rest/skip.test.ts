// REST `skip`: deep into the sessions it is capped with a 422 that points to
// cursors; into a session's messages it is a seq position, read by _id at any depth.
import type { AddressInfo } from 'node:net';
import type { CommandStartedEvent, MongoClient, ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restRoutes } from '../../src/http/rest';
import { createHttpServer } from '../../src/http/server';
import type { Services } from '../../src/services';
import { newUser } from '../support/harness';
import { monitoredServices, seedOldSession } from '../support/monitored';
import { loginToken, rest } from './support';

let services: Services;
let client: MongoClient;
let server: ReturnType<typeof createHttpServer>;
let base: string;
let commands: CommandStartedEvent[];

beforeAll(async () => {
  ({ services, client, commands } = await monitoredServices());
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
const seedSession = (userId: ObjectId, n: number) =>
  seedOldSession(services, userId, n, { title: 'long', content: (i) => `m${i + 1}` });

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
