// A repair whose own record of the half-done change fails (chat/damage.ts) keeps the
// session marked: the next read repairs it again and announces the change, so an
// open live view hears of the edit even though the retried edit has nothing to do.
import type { MessageEvent } from '@parley/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import { type Client, clientFor, record, tokenFor, waitFor } from '../realtime/support';
import { newUser, startTestServer } from '../support/harness';

type Tracked<T> = { id: string; data: T };

let server: Parley;
let client: Client;
beforeAll(async () => {
  server = await startTestServer();
  const { user } = await newUser(server.services);
  client = clientFor(server.url, tokenFor(server.services, user));
});
afterAll(() => server?.stop());

function failNext<K extends 'buckets' | 'sessions'>(
  name: K,
  when: (update: unknown) => boolean = () => true,
): void {
  const coll = server.services.db[name] as unknown as { updateOne: (...a: unknown[]) => unknown };
  const real = coll.updateOne.bind(coll);
  coll.updateOne = (...args: unknown[]) => {
    if (!when(args[1])) return real(...args);
    coll.updateOne = real;
    return Promise.reject(new Error('the database went away'));
  };
}

describe('a repair whose announcement fails', () => {
  it('still announces the edit once the chat is read again', async () => {
    const s = await client.session.create.mutate({ title: 'lost' });
    const a = await client.message.send.mutate({ sessionId: s.id, content: 'original' });
    const tab = record<Tracked<MessageEvent>>((h) =>
      client.message.onChange.subscribe({ sessionId: s.id, lastEventId: '1:0' }, h),
    );
    await waitFor('the stream to start', () => tab.starts === 1);

    failNext('buckets');
    await expect(client.message.edit.mutate({ id: a.id, content: 'revised' })).rejects.toThrow();
    // The repair's own write of the change record fails once.
    failNext('sessions', (u) => JSON.stringify(u).includes('recent_changes'));
    await expect(client.message.list.query({ sessionId: s.id })).rejects.toThrow();
    // The person reads again and retries the edit: both succeed.
    const page = await client.message.list.query({ sessionId: s.id });
    expect(page.items.map((m) => m.content)).toEqual(['revised']);
    await client.message.edit.mutate({ id: a.id, content: 'revised' });
    await new Promise((r) => setTimeout(r, 500));
    tab.unsubscribe();
    expect(tab.events.map((e) => e.data.kind)).toEqual(['edited']);
  });
});
