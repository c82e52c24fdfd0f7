// Assistant replies over real HTTP against a stand-in model: streamed to every open
// view (one joining mid-reply sees what came so far, then the rest), stored as the
// session's next message, stopped, regenerated, and built only from the session's own messages.

import type { Message } from '@parley/shared';
import { describe, expect, it } from 'vitest';
import { record } from '../realtime/support';
import { signedIn, waitFor, waitForNewest, watchReplies, withModel } from './support';

describe('assistant replies', () => {
  const t = withModel();

  it('streams a reply to two views, one opened mid-reply, and stores it as the next message', async () => {
    const session = await t.client.session.create.mutate({ title: 'stream' });
    const first = watchReplies(t.client, session.id);
    await first.started();
    const sent = await t.client.message.send.mutate({ sessionId: session.id, content: 'Hello?' });
    const call = await t.model.next();
    expect(call.body.stream).toBe(true);
    expect(call.body.model).toBe('test-model');
    expect(call.body.messages.at(-1)).toEqual({ role: 'user', content: 'Hello?' });

    call.send('Hel');
    call.send('lo, ');
    await waitFor('first view to see "Hello, "', () => first.reply?.content === 'Hello, ');
    const second = watchReplies(t.client, session.id);
    await waitFor('second view to see what came so far', () => second.reply?.content === 'Hello, ');
    expect(second.reply?.status).toBe('streaming');

    call.send('world');
    call.finish();
    await waitFor('both views to see the end', () =>
      [first, second].every((v) => v.reply?.status === 'done'),
    );
    for (const v of [first, second]) {
      expect(v.reply).toMatchObject({
        content: 'Hello, world',
        role: 'assistant',
        seq: sent.seq + 1,
        model: 'test-model',
        error: null,
      });
    }
    const items = await waitForNewest(
      t.client,
      session.id,
      'stored reply',
      (m) => m.status === 'done',
    );
    expect(items.map((m) => [m.role, m.content])).toEqual([
      ['user', 'Hello?'],
      ['assistant', 'Hello, world'],
    ]);
    expect((await t.client.session.get.query({ id: session.id })).messageCount).toBe(2);
    first.stop();
    second.stop();
  });

  it('message.onNew carries the reply as the next message, and a list mid-reply shows the saved draft', async () => {
    const session = await t.client.session.create.mutate({ title: 'draft' });
    const live = record<{ id: string; data: Message }>((h) =>
      t.client.message.onNew.subscribe({ sessionId: session.id }, h),
    );
    await waitFor('message stream to start', () => live.starts > 0);
    await t.client.message.send.mutate({ sessionId: session.id, content: 'Tell me' });
    const call = await t.model.next();
    await waitFor('both messages live', () => live.events.length === 2);
    expect(live.events.map((e) => [e.id, e.data.role, e.data.status ?? null])).toEqual([
      ['1', 'user', null],
      ['2', 'assistant', 'streaming'],
    ]);
    call.send('Part one. ');
    // Saved every 100 ms here: a list read mid-reply shows the text so far.
    const items = await waitForNewest(t.client, session.id, 'saved draft', (m) =>
      m.content.startsWith('Part one.'),
    );
    expect(items.at(-1)?.status).toBe('streaming');
    call.finish();
    await waitForNewest(t.client, session.id, 'final', (m) => m.status === 'done');
    live.unsubscribe();
  });

  it('stopReply keeps what arrived, marked stopped', async () => {
    const session = await t.client.session.create.mutate({ title: 'stop' });
    const view = watchReplies(t.client, session.id);
    await view.started();
    await t.client.message.send.mutate({ sessionId: session.id, content: 'Go on' });
    const call = await t.model.next();
    call.send('Once upon');
    await waitFor('the first words', () => view.reply?.content === 'Once upon');
    const stopped = await t.client.message.stopReply.mutate({ sessionId: session.id });
    expect(stopped).toMatchObject({ status: 'stopped', content: 'Once upon' });
    await waitFor('the model request to be dropped', () => call.closed);
    await waitFor('the view to see it stopped', () => view.reply?.status === 'stopped');
    const items = await waitForNewest(
      t.client,
      session.id,
      'stored',
      (m) => m.status === 'stopped',
    );
    expect(items.at(-1)?.content).toBe('Once upon');
    view.stop();
  });

  it('a new user message stops the running reply and gets its own', async () => {
    const session = await t.client.session.create.mutate({ title: 'next' });
    await t.client.message.send.mutate({ sessionId: session.id, content: 'First question' });
    const call1 = await t.model.next();
    call1.send('Answer to the fi');
    await waitForNewest(
      t.client,
      session.id,
      'first draft',
      (m) => m.content === 'Answer to the fi',
    );
    await t.client.message.send.mutate({ sessionId: session.id, content: 'Second question' });
    const call2 = await t.model.next();
    await waitFor('the first request to be dropped', () => call1.closed);
    call2.send('Second answer');
    call2.finish();
    const items = await waitForNewest(
      t.client,
      session.id,
      'second reply',
      (m) => m.status === 'done',
    );
    expect(items.map((m) => [m.role, m.content, m.status ?? null])).toEqual([
      ['user', 'First question', null],
      ['assistant', 'Answer to the fi', 'stopped'],
      ['user', 'Second question', null],
      ['assistant', 'Second answer', 'done'],
    ]);
    // The second reply's context holds the first, cut-short reply as it stands.
    expect(call2.body.messages.map((m) => m.content)).toEqual([
      'First question',
      'Answer to the fi',
      'Second question',
    ]);
  });

  it('regenerate replaces the last reply in place and keeps the earlier text in previous', async () => {
    const session = await t.client.session.create.mutate({ title: 'again' });
    await t.client.message.send.mutate({ sessionId: session.id, content: 'Pick a number' });
    const call1 = await t.model.next();
    call1.send('Seven');
    call1.finish();
    const before = await waitForNewest(t.client, session.id, 'first', (m) => m.status === 'done');
    const view = watchReplies(t.client, session.id);
    await view.started();
    const draft = await t.client.message.regenerate.mutate({ sessionId: session.id });
    expect(draft).toMatchObject({
      id: before.at(-1)?.id,
      seq: 2,
      status: 'streaming',
      content: '',
    });
    const call2 = await t.model.next();
    // The reply being replaced is not part of what the model is asked.
    expect(call2.body.messages.map((m) => m.content)).toEqual(['Pick a number']);
    call2.send('Three');
    call2.finish();
    await waitFor('the view to see the new text', () => view.reply?.content === 'Three');
    const items = await waitForNewest(t.client, session.id, 'second', (m) => m.content === 'Three');
    expect(items).toHaveLength(2);
    expect(items.at(-1)).toMatchObject({ status: 'done', previous: ['Seven'] });
    view.stop();
  });

  it('turned off for a session, the assistant stays silent there', async () => {
    const session = await t.client.session.create.mutate({ title: 'quiet' });
    expect(await t.client.message.assistant.query({ sessionId: session.id })).toEqual({
      available: true,
      on: true,
      model: 'test-model',
    });
    const off = await t.client.session.setAssistant.mutate({ id: session.id, on: false });
    expect(off.on).toBe(false);
    const callsBefore = t.model.calls.length;
    await t.client.message.send.mutate({ sessionId: session.id, content: 'Just a note' });
    // A second session proves replies still run: its call comes after the silent send.
    const other = await t.client.session.create.mutate({ title: 'loud' });
    await t.client.message.send.mutate({ sessionId: other.id, content: 'Anyone?' });
    const call = await t.model.call(callsBefore);
    expect(call.body.messages.at(-1)?.content).toBe('Anyone?');
    call.finish();
    expect(t.model.calls.length).toBe(callsBefore + 1);
    const items = (await t.client.message.list.query({ sessionId: session.id })).items;
    expect(items.map((m) => m.role)).toEqual(['user']);
  });

  it("no one else's session is used as context, watched, stopped or regenerated", async () => {
    const { client: other } = await signedIn(t.server);
    const theirs = await other.session.create.mutate({ title: 'private' });
    await other.session.setAssistant.mutate({ id: theirs.id, on: false });
    await other.message.send.mutate({ sessionId: theirs.id, content: 'secret plans' });

    const mine = await t.client.session.create.mutate({ title: 'mine' });
    await t.client.message.send.mutate({ sessionId: mine.id, content: 'my question' });
    const call = await t.model.next();
    expect(JSON.stringify(call.body.messages)).not.toContain('secret plans');
    expect(call.body.messages).toEqual([{ role: 'user', content: 'my question' }]);
    call.finish();

    await expect(
      t.client.message.regenerate.mutate({ sessionId: theirs.id }),
    ).rejects.toMatchObject({
      data: { code: 'NOT_FOUND' },
    });
    await expect(t.client.message.stopReply.mutate({ sessionId: theirs.id })).rejects.toMatchObject(
      {
        data: { code: 'NOT_FOUND' },
      },
    );
    await expect(
      t.client.session.setAssistant.mutate({ id: theirs.id, on: true }),
    ).rejects.toMatchObject({
      data: { code: 'NOT_FOUND' },
    });
    const spy = watchReplies(t.client, theirs.id);
    await waitFor('the stream to be refused', () => spy.rec.error !== null);
    expect(spy.rec.error?.data?.code).toBe('NOT_FOUND');
  });
});
