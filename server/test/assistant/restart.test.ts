// A reply never stays a draft after Parley stops: a graceful stop saves it as
// interrupted, and after a crash (the process killed mid-reply) the next start on
// the same database finds it through its registry and marks it interrupted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor, waitFor } from '../realtime/support';
import { freshDbName, startTestServer } from '../support/harness';
import { ModelServer } from '../support/modelServer';
import { onTestDatabase, runMain, waitForOutput } from '../support/processes';
import { signedIn, waitForNewest } from './support';

describe('Parley stopping mid-reply', () => {
  let model: ModelServer;
  const assistantEnv = () => ({
    ASSISTANT_BASE_URL: model.baseUrl,
    ASSISTANT_MODEL: 'test-model',
    ASSISTANT_SAVE_EVERY_MS: '100',
  });

  beforeAll(async () => {
    model = await ModelServer.start();
  });
  afterAll(async () => {
    await model?.close();
  });

  it('a graceful stop saves the reply as interrupted, with what arrived', async () => {
    const dbName = freshDbName();
    const first = await startTestServer(assistantEnv(), (c) => {
      c.mongoDb = dbName;
    });
    const { user, client } = await signedIn(first);
    const session = await client.session.create.mutate({ title: 'restart' });
    await client.message.send.mutate({ sessionId: session.id, content: 'Long story?' });
    const call = await model.next();
    call.send('It began');
    await waitForNewest(client, session.id, 'draft saved', (m) => m.content === 'It began');
    await first.stop();
    expect(call.closed).toBe(true);

    const second = await startTestServer(assistantEnv(), (c) => {
      c.mongoDb = dbName;
    });
    try {
      const again = clientFor(
        second.url,
        second.services.tokens.sign({ userId: user._id.toHexString(), tokenVersion: 0 }).token,
      );
      const items = (await again.message.list.query({ sessionId: session.id })).items;
      expect(items.at(-1)).toMatchObject({
        role: 'assistant',
        content: 'It began',
        status: 'interrupted',
        error: 'Parley stopped while this reply was being written.',
      });
    } finally {
      await second.stop();
    }
  });

  it('after a crash mid-reply, the next start marks the draft interrupted', async () => {
    const dbName = freshDbName();
    const child = runMain(onTestDatabase(dbName, assistantEnv()));
    try {
      const [, url] = await waitForOutput(child, /listening on (http:\/\/\S+)/);
      const anon = clientFor(url ?? '', '');
      const { accessToken } = await anon.auth.register.mutate({
        username: `crash${Date.now()}`,
        password: 'correct horse battery',
      });
      const client = clientFor(url ?? '', accessToken);
      const session = await client.session.create.mutate({ title: 'crash' });
      await client.message.send.mutate({ sessionId: session.id, content: 'Tell me more' });
      const call = await model.next();
      call.send('So far');
      await waitForNewest(client, session.id, 'draft saved', (m) => m.content === 'So far');
      child.proc.kill('SIGKILL');
      await child.exited;

      const next = await startTestServer(assistantEnv(), (c) => {
        c.mongoDb = dbName;
      });
      try {
        const again = clientFor(next.url, accessToken);
        const items = (await again.message.list.query({ sessionId: session.id })).items;
        expect(items.map((m) => [m.role, m.content, m.status ?? null])).toEqual([
          ['user', 'Tell me more', null],
          ['assistant', 'So far', 'interrupted'],
        ]);
        // Marked once: the registry no longer lists it.
        const registry = await next.services.db.db
          .collection('assistant_replies')
          .findOne({ _id: 'replies:main' as never });
        expect(Object.keys(registry?.r ?? {})).toEqual([]);
      } finally {
        await next.stop();
      }
    } finally {
      if (child.proc.exitCode === null && child.proc.signalCode === null)
        child.proc.kill('SIGKILL');
      await waitFor(
        'child to exit',
        () => child.proc.exitCode !== null || child.proc.signalCode !== null,
      );
    }
  });
});
