// Replies to messages that come in a burst, and to chats that go away: messages sent
// at once get one reply, to the newest (a reply stopped before its model call is
// stopped, not streamed), and a chat trashed or purged stops its reply.
import type { Message } from '@parley/shared';
import { describe, expect, it } from 'vitest';
import { ModelClient, ReplyEnded } from '../../src/assistant/model';
import { toObjectId } from '../../src/db/ids';
import { sleep } from '../realtime/support';
import { waitFor, waitForNewest, watchReplies, withModel } from './support';

describe('assistant replies to bursts and to chats that go', () => {
  const t = withModel();
  const shown = (items: Message[]) =>
    items.map((m) => [m.seq, m.role, m.content, m.status ?? null]);

  it('messages sent at once get one reply, to the newest', async () => {
    const session = await t.client.session.create.mutate({ title: 'burst' });
    const before = t.model.calls.length;
    await Promise.all(
      [1, 2, 3, 4].map((i) =>
        t.client.message.send.mutate({ sessionId: session.id, content: `q${i}` }),
      ),
    );
    const call = await t.model.next();
    expect(call.body.messages.at(-1)?.content).toBe('q4');
    call.send('answer');
    call.finish();
    const items = await waitForNewest(
      t.client,
      session.id,
      'the reply',
      (m) => m.status === 'done',
    );
    await waitFor('no reply running', () => t.server.services.assistant?.activeReplies === 0);
    await sleep(200); // a reply started late would show by now
    expect(shown((await t.client.message.list.query({ sessionId: session.id })).items)).toEqual([
      [1, 'user', 'q1', null],
      [2, 'user', 'q2', null],
      [3, 'user', 'q3', null],
      [4, 'user', 'q4', null],
      [5, 'assistant', 'answer', 'done'],
    ]);
    expect(items).toHaveLength(5);
    expect(t.model.calls.length - before).toBe(1);
  });

  it('a reply overtaken by a newer message before any text came leaves nothing in the chat', async () => {
    const session = await t.client.session.create.mutate({ title: 'overtaken' });
    await t.client.message.send.mutate({ sessionId: session.id, content: 'first' });
    const call1 = await t.model.next();
    await waitForNewest(t.client, session.id, 'the first draft', (m) => m.role === 'assistant');
    await t.client.message.send.mutate({ sessionId: session.id, content: 'second' });
    const call2 = await t.model.next();
    await waitFor('the first call to be dropped', () => call1.closed);
    call2.send('answer');
    call2.finish();
    await waitForNewest(t.client, session.id, 'the reply', (m) => m.status === 'done');
    await waitFor('no reply running', () => t.server.services.assistant?.activeReplies === 0);
    const items = (await t.client.message.list.query({ sessionId: session.id })).items;
    expect(shown(items)).toEqual([
      [1, 'user', 'first', null],
      [3, 'user', 'second', null],
      [4, 'assistant', 'answer', 'done'],
    ]);
  });

  it('a chat moved to the trash stops its reply', async () => {
    const session = await t.client.session.create.mutate({ title: 'trashed' });
    await t.client.message.send.mutate({ sessionId: session.id, content: 'long one please' });
    const call = await t.model.next();
    call.send('Part');
    await waitForNewest(t.client, session.id, 'the draft', (m) => m.content === 'Part');
    await t.client.session.delete.mutate({ id: session.id });
    await waitFor('the model call to be dropped', () => call.closed);
    await waitFor('no reply running', () => t.server.services.assistant?.activeReplies === 0);
    await t.client.session.restore.mutate({ id: session.id });
    const items = (await t.client.message.list.query({ sessionId: session.id })).items;
    expect(shown(items).at(-1)).toEqual([2, 'assistant', 'Part', 'stopped']);
  });

  it('a reply stopped before its model call makes no call', async () => {
    const config = t.server.services.config.assistant;
    if (!config) throw new Error('no assistant configured');
    const stop = new AbortController();
    stop.abort(new ReplyEnded('stopped'));
    const before = t.model.calls.length;
    const texts: string[] = [];
    await expect(
      new ModelClient(config).stream([{ role: 'user', content: 'hi' }], stop.signal, (x) => {
        texts.push(x);
      }),
    ).rejects.toMatchObject({ reason: 'stopped' });
    await sleep(100);
    expect(t.model.calls.length).toBe(before);
    expect(texts).toEqual([]);
  });
});

describe('a burst and the reply rate', () => {
  const t = withModel({ ASSISTANT_REPLIES_PER_MINUTE: '2' });

  it('spends one of the rate: the next message still gets its reply', async () => {
    const session = await t.client.session.create.mutate({ title: 'rate' });
    const view = watchReplies(t.client, session.id);
    await view.started();
    await Promise.all(
      [1, 2, 3].map((i) =>
        t.client.message.send.mutate({ sessionId: session.id, content: `q${i}` }),
      ),
    );
    const first = await t.model.next();
    first.send('one');
    first.finish();
    await waitForNewest(t.client, session.id, 'the first reply', (m) => m.status === 'done');
    await t.client.message.send.mutate({ sessionId: session.id, content: 'q4' });
    const second = await t.model.next();
    second.send('two');
    second.finish();
    const items = await waitForNewest(
      t.client,
      session.id,
      'the second reply',
      (m) => m.content === 'two' && m.status === 'done',
    );
    expect(items.filter((m) => m.role === 'assistant')).toHaveLength(2);
    expect(view.events.filter((e) => e.kind === 'limited')).toEqual([]);
    view.stop();
  });
});

describe('a reply waiting for its turn', () => {
  const t = withModel({ ASSISTANT_MAX_CONCURRENT: '1' });

  it('ends stopped, with no model call, when its chat was trashed while it waited', async () => {
    const a = await t.client.session.create.mutate({ title: 'a' });
    const b = await t.client.session.create.mutate({ title: 'b' });
    await t.client.message.send.mutate({ sessionId: a.id, content: 'first' });
    const callA = await t.model.next();
    await t.client.message.send.mutate({ sessionId: b.id, content: 'second' });
    await waitForNewest(t.client, b.id, 'b waiting', (m) => m.status === 'streaming');
    // Trashed by a write its stop did not see (another process, or before the reply ran).
    await t.server.services.db.sessions.updateOne(
      { _id: toObjectId(b.id) },
      { $set: { deleted: true, deleted_at: new Date() } },
    );
    const before = t.model.calls.length;
    callA.send('A');
    callA.finish();
    await waitFor('no reply running', () => t.server.services.assistant?.activeReplies === 0);
    await sleep(100);
    expect(t.model.calls.length).toBe(before);
    const reply = await t.server.services.db.messages.findOne({
      session_id: toObjectId(b.id),
      role: 'assistant',
    });
    expect(reply?.status).toBe('stopped');
  });
});
