import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import { createUser } from '../../src/auth/users';
import { createParleyClient } from '../../src/client';
import { startTestServer } from '../support/harness';

let parley: Parley;
beforeAll(async () => {
  // Access tokens live 2 s here, so a stream outlives its first token.
  parley = await startTestServer({}, (c) => {
    c.accessTokenTtlSeconds = 2;
  });
  await createUser(parley.services.db, parley.services.passwords, 'erin', 'erinpass1234');
});
afterAll(() => parley.stop());

const client = () =>
  createParleyClient({ url: parley.url, username: 'erin', password: 'erinpass1234' });

describe('subscriptions through the typed client', () => {
  it('hears new messages over SSE with the token in connectionParams', async () => {
    const c = client();
    await c.login();
    const session = await c.api.session.create.mutate({ title: 'Live' });
    const heard: string[] = [];
    const done = new Promise<void>((resolve, reject) => {
      const sub = c.api.message.onNew.subscribe(
        // lastEventId '0': every message from the first on, even those sent while connecting.
        { sessionId: session.id, lastEventId: '0' },
        {
          onData: ({ data }) => {
            heard.push(data.content);
            if (heard.length === 2) {
              sub.unsubscribe();
              resolve();
            }
          },
          onError: reject,
        },
      );
    });
    await c.api.message.send.mutate({ sessionId: session.id, content: 'first' });
    await c.api.message.send.mutate({ sessionId: session.id, content: 'second' });
    await done;
    expect(heard).toEqual(['first', 'second']);
    await c.logout();
  });

  it('keeps a stream going past its token expiry, missing nothing', async () => {
    const c = client();
    await c.login();
    const session = await c.api.session.create.mutate({ title: 'Long' });
    const heard: number[] = [];
    let failure: unknown = null;
    const sub = c.api.message.onNew.subscribe(
      { sessionId: session.id, lastEventId: '0' },
      {
        onData: ({ data }) => {
          heard.push(data.seq);
        },
        onError: (e) => {
          failure = e;
        },
      },
    );
    // Messages before, during and after the first token's expiry (2 s).
    for (let i = 0; i < 5; i++) {
      await c.api.message.send.mutate({ sessionId: session.id, content: `m${i}` });
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const deadline = Date.now() + 10_000;
    while (heard.length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    sub.unsubscribe();
    expect(failure).toBeNull();
    expect(heard).toEqual([1, 2, 3, 4, 5]);
    await c.logout();
  });
});
