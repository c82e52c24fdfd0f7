// Resuming over real HTTP: a client that comes back with its last event id gets
// exactly what it missed, in order; a stream the server ends (its lifetime, or a
// reader that fell behind) is resumed by httpSubscriptionLink without the app noticing.
import type { Message, SessionChange } from '@parley/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import { sendMessage } from '../../src/chat/messages';
import { connectDatabase } from '../../src/db/database';
import type { UserDoc } from '../../src/db/documents';
import { InProcessBus } from '../../src/realtime/bus';
import { sessionChannel } from '../../src/realtime/channels';
import { createServices } from '../../src/services';
import { newUser, startTestServer, testConfig } from '../support/harness';
import { type Client, clientFor, record, sleep, tokenFor, waitFor, withServer } from './support';

type Tracked<T> = { id: string; data: T };

async function sendMany(client: Client, sessionId: string, from: number, count: number) {
  for (let i = from; i < from + count; i++) {
    await client.message.send.mutate({ sessionId, content: `m${i}` });
  }
}

const seqs = (events: Tracked<Message>[]) => events.map((e) => e.data.seq);
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('resuming with lastEventId', () => {
  let client: Client;

  withServer({}, (s) => {
    ({ client } = s);
  });

  it('a message stream resumed with its last id yields exactly the 50 missed, in order', async () => {
    const session = await client.session.create.mutate({ title: 'resume' });
    const first = record<Tracked<Message>>((h) =>
      client.message.onNew.subscribe({ sessionId: session.id }, h),
    );
    await waitFor('first stream to start', () => first.starts === 1);
    await sendMany(client, session.id, 1, 10);
    await waitFor('10 live messages', () => first.events.length === 10);
    first.unsubscribe();
    const lastEventId = first.events.at(-1)?.id ?? '';
    expect(lastEventId).toBe('10');

    await sendMany(client, session.id, 11, 50);
    const second = record<Tracked<Message>>((h) =>
      client.message.onNew.subscribe({ sessionId: session.id, lastEventId }, h),
    );
    await waitFor('50 missed messages', () => second.events.length >= 50);
    await sleep(300);
    second.unsubscribe();
    expect(seqs(second.events)).toEqual(range(11, 60));
    expect(second.events.map((e) => e.data.content)).toEqual(range(11, 60).map((i) => `m${i}`));
    expect(second.events.map((e) => e.id)).toEqual(range(11, 60).map(String));
    expect(second.error).toBeNull();
  });

  it('a session stream resumed with its last id carries each session changed since, once', async () => {
    const a = await client.session.create.mutate({ title: 'a' });
    const first = record<Tracked<SessionChange>>((h) => client.session.onChange.subscribe({}, h));
    await waitFor('stream to start', () => first.starts === 1);
    await client.session.rename.mutate({ id: a.id, title: 'a2' });
    await waitFor('rename event', () => first.events.length === 1);
    first.unsubscribe();

    await sleep(5);
    const b = await client.session.create.mutate({ title: 'b' });
    await client.message.send.mutate({ sessionId: a.id, content: 'hello' });
    await client.message.send.mutate({ sessionId: a.id, content: 'again' });
    const second = record<Tracked<SessionChange>>((h) =>
      client.session.onChange.subscribe({ lastEventId: first.events[0]?.id }, h),
    );
    await waitFor('catch-up events', () => second.events.length >= 2);
    await sleep(300);
    second.unsubscribe();
    const byId = second.events.map((e) => [e.data.kind, e.data.session.id]);
    expect(byId).toHaveLength(2);
    expect(byId).toEqual(
      expect.arrayContaining([
        ['updated', a.id],
        ['updated', b.id],
      ]),
    );
    const aNow = second.events.find((e) => e.data.session.id === a.id)?.data.session;
    expect(aNow?.messageCount).toBe(2);
    expect(aNow?.title).toBe('a2');
  });
});

describe('streams the server ends are resumed by the client', () => {
  let server: Parley;
  let client: Client;
  let owner: UserDoc;

  beforeAll(async () => {
    server = await startTestServer({ LIVE_STREAM_MAX_MS: '1500', LIVE_BUFFER_SIZE: '5' });
    const { user } = await newUser(server.services);
    owner = user;
    client = clientFor(server.url, tokenFor(server.services, user));
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('after the stream lifetime ends a stream, the client reconnects and resumes with no gap or repeat', async () => {
    const session = await client.session.create.mutate({ title: 'long view' });
    const rec = record<Tracked<Message>>((h) =>
      client.message.onNew.subscribe({ sessionId: session.id }, h),
    );
    await waitFor('stream to start', () => rec.starts === 1);
    // Messages keep coming while the server ends the stream twice (every 1.5 s).
    for (let i = 1; i <= 24; i++) {
      await client.message.send.mutate({ sessionId: session.id, content: `m${i}` });
      await sleep(200);
    }
    await waitFor('all 24 messages', () => rec.events.length >= 24, 20_000);
    await sleep(300);
    // A stream the server ended is not "complete" to the app: the link carried on.
    expect(rec.completed).toBe(false);
    rec.unsubscribe();
    expect(rec.starts).toBeGreaterThanOrEqual(2);
    expect(seqs(rec.events)).toEqual(range(1, 24));
    expect(rec.error).toBeNull();
  });

  it('a reader that falls behind overflows its bounded buffer; the stream ends and the client resumes', async () => {
    const session = await client.session.create.mutate({ title: 'burst' });
    const rec = record<Tracked<Message>>((h) =>
      client.message.onNew.subscribe({ sessionId: session.id }, h),
    );
    await waitFor('stream to start', () => rec.starts === 1);
    await client.message.send.mutate({ sessionId: session.id, content: 'm1' });
    await waitFor('first message', () => rec.events.length === 1);

    // Another writer on the same database stores 30 messages; their events then reach
    // this server's bus in one burst, faster than any reader: 30 > the buffer of 5.
    const config = testConfig({ MONGODB_DB: server.services.config.mongoDb });
    const db = await connectDatabase(config.mongoUri ?? '', config.mongoDb);
    const writer = createServices(config, db, new InProcessBus());
    const stored: Message[] = [];
    for (let i = 2; i <= 31; i++) {
      stored.push(await sendMessage(writer, owner, { sessionId: session.id, content: `m${i}` }));
    }
    await db.client.close();
    for (const m of stored) void server.services.bus.publish(sessionChannel(session.id), m);

    await waitFor('the 30 burst messages after resuming', () => rec.events.length >= 31, 20_000);
    await sleep(300);
    rec.unsubscribe();
    expect(rec.starts).toBeGreaterThanOrEqual(2);
    expect(seqs(rec.events)).toEqual(range(1, 31));
    expect(rec.error).toBeNull();
  });
});
