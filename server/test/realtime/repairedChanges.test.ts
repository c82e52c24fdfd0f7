// An edit or delete whose page write failed after its message was stored is
// announced when the chat is repaired, as the change itself would have been: open
// live views get it over real HTTP (SSE), the search index reads the new text, and
// the retry that finds nothing left to do announces nothing twice.
import type { MessageEvent } from '@parley/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import { newUser, startTestServer } from '../support/harness';
import { type Client, clientFor, record, tokenFor, waitFor } from './support';

type Tracked<T> = { id: string; data: T };

const summary = (events: Tracked<MessageEvent>[]) =>
  events.map((e) =>
    e.data.kind === 'reset'
      ? 'reset'
      : `${e.data.kind}:${e.data.message.seq}:${e.data.message.content}`,
  );

let server: Parley;
let client: Client;
beforeAll(async () => {
  server = await startTestServer();
  const { user } = await newUser(server.services);
  client = clientFor(server.url, tokenFor(server.services, user));
});
afterAll(() => server?.stop());

/** Makes the next bucket update fail, as a database that went away would. */
function failNextBucketUpdate(): void {
  const buckets = server.services.db.buckets;
  const real = buckets.updateOne.bind(buckets);
  buckets.updateOne = (async () => {
    buckets.updateOne = real;
    throw new Error('the database went away');
  }) as typeof buckets.updateOne;
}

/** Waits until the async `check` holds, at most 15 s. */
async function until(what: string, check: () => Promise<boolean>) {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const found = async (q: string) =>
  (await client.search.query.query({ q })).items.map((h) => h.message?.content ?? h.session.title);

describe('a change stored half-way, then repaired', () => {
  it('reaches open live views and the search index when another read repairs the chat', async () => {
    const s = await client.session.create.mutate({ title: 'half-way' });
    const a = await client.message.send.mutate({ sessionId: s.id, content: 'original wording' });
    expect(await found('original')).toEqual(['original wording']);
    const tab = record<Tracked<MessageEvent>>((h) =>
      client.message.onChange.subscribe({ sessionId: s.id, lastEventId: '1:0' }, h),
    );
    await waitFor('the stream to start', () => tab.starts === 1);

    failNextBucketUpdate();
    await expect(
      client.message.edit.mutate({ id: a.id, content: 'revised wording' }),
    ).rejects.toThrow();
    // Another tab opens the chat: the read repairs it.
    const page = await client.message.list.query({ sessionId: s.id });
    expect(page.items.map((m) => m.content)).toEqual(['revised wording']);
    await until('the search index', async () => (await found('revised')).length === 1);
    await waitFor('the repaired edit', () => tab.events.length >= 1);
    expect(await found('original')).toEqual([]);

    // The retry finds the edit done: nothing more is announced before the next send.
    await client.message.edit.mutate({ id: a.id, content: 'revised wording' });
    await client.message.send.mutate({ sessionId: s.id, content: 'next' });
    await waitFor('the next message', () => tab.events.length >= 2);
    tab.unsubscribe();
    expect(summary(tab.events)).toEqual(['edited:1:revised wording', 'new:2:next']);
    expect(tab.events[0]?.id).toBe('1:1');
  });

  it('reaches open live views when the retry itself repairs the chat, and a resume replays it', async () => {
    const s = await client.session.create.mutate({ title: 'retried' });
    const a = await client.message.send.mutate({ sessionId: s.id, content: 'keep' });
    const b = await client.message.send.mutate({ sessionId: s.id, content: 'remove' });
    const tab = record<Tracked<MessageEvent>>((h) =>
      client.message.onChange.subscribe({ sessionId: s.id, lastEventId: '2:0' }, h),
    );
    await waitFor('the stream to start', () => tab.starts === 1);

    failNextBucketUpdate();
    await expect(client.message.delete.mutate({ id: b.id })).rejects.toThrow();
    await client.message.delete.mutate({ id: b.id });
    await waitFor('the repaired delete', () => tab.events.length >= 1);
    tab.unsubscribe();
    expect(summary(tab.events)).toEqual(['deleted:2:remove']);

    const later = record<Tracked<MessageEvent>>((h) =>
      client.message.onChange.subscribe({ sessionId: s.id, lastEventId: '2:0' }, h),
    );
    await client.message.edit.mutate({ id: a.id, content: 'kept' });
    await waitFor('the replay and the edit', () => later.events.length >= 2);
    later.unsubscribe();
    expect(summary(later.events)).toEqual(['deleted:2:remove', 'edited:1:kept']);
  });
});
