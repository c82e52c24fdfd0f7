// Every way the model can fail ends the draft with a visible error on that reply,
// keeps the user's message, and regenerate retries it: an HTTP error, a rate limit,
// a model that goes silent, a connection dropped mid-answer, and no model at all.
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import type { Client } from '../realtime/support';
import { startTestServer } from '../support/harness';
import type { ModelCall, ModelServer } from '../support/modelServer';
import { signedIn, startWithModel, waitForNewest } from './support';

describe('a failing model', () => {
  let model: ModelServer;
  let server: Parley;
  let client: Client;

  beforeAll(async () => {
    ({ model, server } = await startWithModel({ ASSISTANT_IDLE_TIMEOUT_MS: '400' }));
    ({ client } = await signedIn(server));
  });
  afterAll(async () => {
    await server?.stop();
    await model?.close();
  });

  async function failThenRetry(how: (call: ModelCall) => void, error: RegExp, kept = '') {
    const session = await client.session.create.mutate({ title: 'failing' });
    const n = model.calls.length;
    await client.message.send.mutate({ sessionId: session.id, content: 'Are you there?' });
    how(await model.call(n));
    const items = await waitForNewest(
      client,
      session.id,
      'failed reply',
      (m) => m.status === 'failed',
    );
    expect(items.map((m) => m.content)).toEqual(['Are you there?', kept]);
    expect(items.at(-1)?.error).toMatch(error);

    await client.message.regenerate.mutate({ sessionId: session.id });
    const retry = await model.call(n + 1);
    expect(retry.body.messages).toEqual([{ role: 'user', content: 'Are you there?' }]);
    retry.send('Yes.');
    retry.finish();
    const after = await waitForNewest(client, session.id, 'retried', (m) => m.status === 'done');
    expect(after.map((m) => [m.content, m.error ?? null])).toEqual([
      ['Are you there?', null],
      ['Yes.', null],
    ]);
  }

  it('an HTTP error from the model', async () => {
    await failThenRetry((call) => call.fail(500), /HTTP 500/);
  });

  it('a rate limit (429)', async () => {
    await failThenRetry((call) => call.fail(429, 'slow down'), /too many requests \(429\)/);
  });

  it('a model that sends nothing within the idle timeout', async () => {
    await failThenRetry((call) => call.start(), /sent nothing for 400 ms/);
  });

  it('a model that goes silent mid-answer keeps the text so far', async () => {
    await failThenRetry((call) => call.send('I was say'), /sent nothing/, 'I was say');
  });

  it('a connection dropped mid-answer', async () => {
    await failThenRetry(
      (call) => {
        call.send('Half an ');
        setTimeout(() => call.drop(), 50);
      },
      /stopped answering before it finished/,
      'Half an ',
    );
  });
});

describe('an unreachable model', () => {
  it('fails the reply, naming where it looked, and keeps the message', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const server = await startTestServer({
      ASSISTANT_BASE_URL: `http://127.0.0.1:${port}/v1`,
      ASSISTANT_MODEL: 'nowhere',
    });
    try {
      const { client } = await signedIn(server);
      const session = await client.session.create.mutate({ title: 'unreachable' });
      await client.message.send.mutate({ sessionId: session.id, content: 'Hello?' });
      const items = await waitForNewest(client, session.id, 'failed', (m) => m.status === 'failed');
      expect(items.map((m) => m.content)).toEqual(['Hello?', '']);
      expect(items.at(-1)?.error).toBe(`Could not reach the model at 127.0.0.1:${port}.`);
    } finally {
      await server.stop();
    }
  });
});
