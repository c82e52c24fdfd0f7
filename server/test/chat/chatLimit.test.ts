// A chat holds at most MESSAGES_PER_SESSION messages, replies included. One more send
// is refused with a clear FORBIDDEN and stores nothing, also when many race; a retried
// send that was stored before still gets its message; the REST route says 403; and no
// assistant reply is started into a full chat.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import { ConfigError, loadConfig } from '../../src/config/env';
import { toObjectId } from '../../src/db/ids';
import { signedIn, waitFor, watchReplies, withModel } from '../assistant/support';
import { loginToken, rest } from '../rest/support';
import { failure, newUser, startTestServer } from '../support/harness';

const full = 'This chat has reached its limit of 5 messages. Start a new chat to go on.';

describe('the messages cap of a chat', () => {
  let parley: Parley;
  beforeAll(async () => {
    parley = await startTestServer({ MESSAGES_PER_SESSION: '5' });
  });
  afterAll(() => parley.stop());

  const key = (sessionId: string, clientId: string) =>
    parley.services.db.messageKeys.findOne({ _id: `${sessionId}:${clientId}` });

  const stored = async (sessionId: string) => {
    const session = await parley.services.db.sessions.findOne({ _id: toObjectId(sessionId) });
    const messages = await parley.services.db.messages
      .find({ session_id: toObjectId(sessionId) })
      .toArray();
    return { count: session?.message_count, seqs: messages.map((m) => m.seq).sort() };
  };

  it('refuses the sixth message with a clear FORBIDDEN and stores nothing', async () => {
    const { caller } = await newUser(parley.services);
    const s = await caller.session.create({ title: 'full' });
    const firsts = [];
    for (let i = 1; i <= 5; i++) {
      firsts.push(
        await caller.message.send({
          sessionId: s.id,
          content: `m${i}`,
          clientId: crypto.randomUUID(),
        }),
      );
    }
    const refused = await failure(caller.message.send({ sessionId: s.id, content: 'one more' }));
    expect(refused?.code).toBe('FORBIDDEN');
    expect(refused?.message).toBe(full);
    // One with a clientId claims no key either: a full chat takes no writes at all.
    const clientId = crypto.randomUUID();
    const keyed = await failure(
      caller.message.send({ sessionId: s.id, content: 'more', clientId }),
    );
    expect(keyed?.message).toBe(full);
    expect(await key(s.id, clientId)).toBeNull();
    expect(await stored(s.id)).toEqual({ count: 5, seqs: [1, 2, 3, 4, 5] });
    expect((await caller.session.get({ id: s.id })).messageCount).toBe(5);
    // A retry of a message stored before the chat filled up still gets that message.
    const retried = await caller.message.send({
      sessionId: s.id,
      content: 'm3',
      clientId: firsts[2]?.clientId ?? '',
    });
    expect(retried.id).toBe(firsts[2]?.id);
    // Another chat of the same user is not affected.
    const other = await caller.session.create({ title: 'empty' });
    await expect(caller.message.send({ sessionId: other.id, content: 'hi' })).resolves.toBeTruthy();
  });

  it('12 sends at once into an empty chat store exactly 5, seqs 1 to 5', async () => {
    const { caller } = await newUser(parley.services);
    const s = await caller.session.create({ title: 'race' });
    const clientIds = Array.from({ length: 12 }, () => crypto.randomUUID());
    const results = await Promise.all(
      clientIds.map((clientId, i) =>
        failure(caller.message.send({ sessionId: s.id, content: `r${i}`, clientId })),
      ),
    );
    expect(results.filter((r) => r === null)).toHaveLength(5);
    for (const r of results) if (r) expect(r.message).toBe(full);
    expect(await stored(s.id)).toEqual({ count: 5, seqs: [1, 2, 3, 4, 5] });
    const keys = await Promise.all(clientIds.map((c) => key(s.id, c)));
    expect(keys.filter((k) => k !== null)).toHaveLength(5);
    // The same clientId twice past the cap, beside its first: one send.
    const again = await caller.session.create({ title: 'twins' });
    const twin = crypto.randomUUID();
    const twins = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        caller.message.send({
          sessionId: again.id,
          content: `t${i}`,
          clientId: i >= 4 ? twin : undefined,
        }),
      ).map(failure),
    );
    // Four plain sends and one send four times: five messages, all answered.
    expect(twins).toEqual(Array(8).fill(null));
    expect(await stored(again.id)).toEqual({ count: 5, seqs: [1, 2, 3, 4, 5] });
    const page = await caller.message.list({ sessionId: s.id });
    expect(page.items.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('the REST route answers 403 with the reason', async () => {
    const { user } = await newUser(parley.services);
    const token = await loginToken(parley.url, user.username, 'correct horse battery');
    const created = await rest(parley.url, 'POST', '/chat/sessions', { token, json: {} });
    const id = (created.body as { _id: string })._id;
    for (let i = 0; i < 5; i++) {
      const ok = await rest(parley.url, 'POST', `/chat/sessions/${id}/messages`, {
        token,
        json: { content: `m${i}` },
      });
      expect(ok.status).toBe(200);
    }
    const res = await rest(parley.url, 'POST', `/chat/sessions/${id}/messages`, {
      token,
      json: { content: 'one more' },
    });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ detail: full });
    expect((await stored(id)).count).toBe(5);
  });

  it('gives a clientId sent several times at once one place, so a chat with room takes every message', async () => {
    const { caller } = await newUser(parley.services);
    const s = await caller.session.create({ title: 'repeats' });
    await caller.message.send({ sessionId: s.id, content: 'first' });
    await caller.message.send({ sessionId: s.id, content: 'second' });
    // Three messages, each sent four times at once: three places are left, and enough.
    const clientIds = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    const sends = clientIds.flatMap((clientId, k) =>
      Array.from({ length: 4 }, () =>
        failure(caller.message.send({ sessionId: s.id, content: `m${k}`, clientId })),
      ),
    );
    expect((await Promise.all(sends)).map((e) => e?.message ?? 'OK')).toEqual(
      sends.map(() => 'OK'),
    );
    expect(await stored(s.id)).toEqual({ count: 5, seqs: [1, 2, 3, 4, 5] });
  });

  it('MESSAGES_PER_SESSION is parsed and bounded', () => {
    const base = { NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(40), DATA_DIR: '/tmp/parley-cfg' };
    expect(loadConfig({ ...base, MESSAGES_PER_SESSION: '7' }).messagesPerSession).toBe(7);
    expect(loadConfig(base).messagesPerSession).toBe(100_000);
    for (const bad of ['0', '-1', '2.5', 'many', '10000001']) {
      expect(() => loadConfig({ ...base, MESSAGES_PER_SESSION: bad })).toThrow(ConfigError);
    }
  });
});

describe('an assistant reply into a chat at its cap', () => {
  const t = withModel({ MESSAGES_PER_SESSION: '3' });

  it('is not started: the reply stream says why, and the chat keeps its cap', async () => {
    const { client } = await signedIn(t.server);
    const s = await client.session.create.mutate({ title: 'nearly full' });
    const view = watchReplies(client, s.id);
    await view.started();
    await client.message.send.mutate({ sessionId: s.id, content: 'one' });
    const call = await t.model.next();
    call.send('two');
    call.finish();
    await waitFor('the reply to end', () => view.events.some((e) => e.kind === 'end'));
    const before = t.model.calls.length;
    // The third message fills the chat: no fourth is made for its reply.
    await client.message.send.mutate({ sessionId: s.id, content: 'three' });
    await waitFor('the notice', () => view.events.some((e) => e.kind === 'limited'));
    expect(view.events.find((e) => e.kind === 'limited')).toMatchObject({
      message: 'No reply: this chat has reached its limit of 3 messages.',
    });
    expect(t.model.calls.length).toBe(before);
    await expect(client.message.regenerate.mutate({ sessionId: s.id })).rejects.toMatchObject({
      data: { code: 'FORBIDDEN' },
      message: 'This chat has reached its limit of 3 messages. Start a new chat to go on.',
    });
    const items = (await client.message.list.query({ sessionId: s.id })).items;
    expect(items.map((m) => [m.seq, m.role])).toEqual([
      [1, 'user'],
      [2, 'assistant'],
      [3, 'user'],
    ]);
    view.stop();
  });
});
