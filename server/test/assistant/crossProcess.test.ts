// Two Parley processes on one database and one Redis: a reply running on A streams to
// a view on B, and a stop sent to B stops it on A.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import type { Client } from '../realtime/support';
import { redisFor, withTwoServers } from '../realtime/twoServers';
import { ModelServer } from '../support/modelServer';
import { waitFor, waitForNewest, watchReplies } from './support';

const redis = await redisFor('cross-process reply tests');
const skipReason = redis.skipReason;

describe.skipIf(skipReason !== null)('replies across two processes', () => {
  let model: ModelServer;
  let a: Parley;
  let b: Parley;
  let onA: Client;
  let onB: Client;

  beforeAll(async () => {
    model = await ModelServer.start();
  });
  afterAll(async () => {
    await model?.close();
  });
  withTwoServers(
    redis,
    () => ({
      env: {
        ASSISTANT_BASE_URL: model.baseUrl,
        ASSISTANT_MODEL: 'test-model',
        ASSISTANT_SAVE_EVERY_MS: '100',
      },
      envA: { ASSISTANT_INSTANCE: 'a' },
      envB: { ASSISTANT_INSTANCE: 'b' },
    }),
    (s) => {
      ({ a, b, onA, onB } = s);
    },
  );

  it('a view on B follows a reply running on A, and a stop sent to B ends it', async () => {
    const session = await onA.session.create.mutate({ title: 'across' });
    const view = watchReplies(onB, session.id);
    await view.started();
    await onA.message.send.mutate({ sessionId: session.id, content: 'Hi from A' });
    const call = await model.next();
    call.send('Streaming ');
    call.send('from A');
    await waitFor('B to see the tokens', () => view.reply?.content === 'Streaming from A');
    expect(a.services.assistant?.activeReplies).toBe(1);
    expect(b.services.assistant?.activeReplies).toBe(0);

    // Not running on B: B answers at once and A stops it.
    expect(await onB.message.stopReply.mutate({ sessionId: session.id })).toBeNull();
    await waitFor('the model request to be dropped', () => call.closed);
    await waitFor('B to see it stopped', () => view.reply?.status === 'stopped');
    const items = await waitForNewest(onB, session.id, 'stored', (m) => m.status === 'stopped');
    expect(items.at(-1)?.content).toBe('Streaming from A');
    view.stop();
  });
});
