// The bounds on model calls: one process streams at most ASSISTANT_MAX_CONCURRENT
// replies, queues ASSISTANT_QUEUE more and fails the rest at once (retryable); a user
// past ASSISTANT_REPLIES_PER_MINUTE gets no reply, told so on the reply stream.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import { ReplyRate } from '../../src/assistant/limits';
import { type ModelServer, scripted } from '../support/modelServer';
import { signedIn, startWithModel, waitFor, waitForNewest, watchReplies } from './support';

describe('assistant limits', () => {
  let model: ModelServer;
  let server: Parley;

  beforeAll(async () => {
    ({ model, server } = await startWithModel({
      ASSISTANT_MAX_CONCURRENT: '1',
      ASSISTANT_QUEUE: '1',
      ASSISTANT_REPLIES_PER_MINUTE: '3',
    }));
  });
  afterAll(async () => {
    await server?.stop();
    await model?.close();
  });

  it('one reply streams at a time, one waits, and one more fails at once', async () => {
    const { client } = await signedIn(server);
    const [a, b, c] = await Promise.all(
      ['a', 'b', 'c'].map((title) => client.session.create.mutate({ title })),
    );
    if (!a || !b || !c) throw new Error('sessions not created');
    await client.message.send.mutate({ sessionId: a.id, content: 'first' });
    const callA = await model.next();
    await client.message.send.mutate({ sessionId: b.id, content: 'second' });
    await waitForNewest(client, b.id, 'queued draft', (m) => m.status === 'streaming');
    await client.message.send.mutate({ sessionId: c.id, content: 'third' });
    const failed = await waitForNewest(client, c.id, 'refused', (m) => m.status === 'failed');
    expect(failed.at(-1)?.error).toBe(
      'Too many replies are waiting for the model. Try again in a moment.',
    );
    // b was queued before c was refused: it has not reached the model while a streams.
    expect(model.calls.length).toBe(model.calls.indexOf(callA) + 1);

    callA.send('A');
    callA.finish();
    const callB = await model.next();
    expect(callB.body.messages.at(-1)?.content).toBe('second');
    callB.send('B');
    callB.finish();
    await waitForNewest(
      client,
      b.id,
      'b answered',
      (m) => m.content === 'B' && m.status === 'done',
    );
    // The reply is listed as done a write before it leaves the running ones.
    await waitFor('no reply running', () => server.services.assistant?.activeReplies === 0);
  });

  it('a user sending fast gets replies up to the per-minute limit, then a clear notice', async () => {
    const { client } = await signedIn(server);
    const session = await client.session.create.mutate({ title: 'flood' });
    const view = watchReplies(client, session.id);
    await view.started();
    for (let i = 0; i < 3; i++) model.scripts.push(scripted([`reply ${i}`]));
    const before = model.calls.length;
    // Each message's reply or notice comes before the next is sent: a message sent
    // while an earlier one waits for its reply to start overtakes it.
    const settled = () => view.events.filter((e) => e.kind === 'end' || e.kind === 'limited');
    for (let i = 0; i < 6; i++) {
      await client.message.send.mutate({ sessionId: session.id, content: `message ${i}` });
      await waitFor(`message ${i} answered or refused`, () => settled().length === i + 1);
    }
    expect(view.events.filter((e) => e.kind === 'limited')).toHaveLength(3);
    const notice = view.events.find((e) => e.kind === 'limited');
    expect(notice).toMatchObject({ message: expect.stringMatching(/at most 3 replies a minute/) });
    await waitFor(
      'three replies to end',
      () => view.events.filter((e) => e.kind === 'end').length === 3,
    );
    const items = (await client.message.list.query({ sessionId: session.id })).items;
    expect(items.filter((m) => m.role === 'assistant')).toHaveLength(3);
    expect(items.filter((m) => m.role === 'user')).toHaveLength(6);
    expect(model.calls.length - before).toBeLessThanOrEqual(3);
    await expect(client.message.regenerate.mutate({ sessionId: session.id })).rejects.toMatchObject(
      {
        data: { code: 'TOO_MANY_REQUESTS' },
      },
    );
    view.stop();
  });

  it('the per-minute count forgets starts older than a minute', () => {
    const rate = new ReplyRate(2);
    expect([rate.take('u', 0), rate.take('u', 1), rate.take('u', 2)]).toEqual([true, true, false]);
    expect(rate.take('v', 2)).toBe(true);
    expect(rate.take('u', 60_001)).toBe(true);
  });
});
