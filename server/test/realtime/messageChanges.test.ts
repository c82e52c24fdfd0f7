// Edits and deletes live over real HTTP (SSE): message.onChange carries them beside
// new messages and, resumed with its last event id, replays exactly the changes it
// missed; message.onNew keeps its bare messages and steps over deleted ones.
import type { Message, MessageEvent } from '@parley/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import { recentChangesKept } from '../../src/chat/changeRecords';
import { newUser, startTestServer } from '../support/harness';
import { type Client, clientFor, record, tokenFor, waitFor, withServer } from './support';

type Tracked<T> = { id: string; data: T };

const summary = (events: Tracked<MessageEvent>[]) =>
  events.map((e) =>
    e.data.kind === 'reset'
      ? 'reset'
      : `${e.data.kind}:${e.data.message.seq}:${e.data.message.content}`,
  );

describe('message.onChange', () => {
  let server: Parley;
  let client: Client;
  let otherClient: Client;

  beforeAll(async () => {
    server = await startTestServer();
    const { user } = await newUser(server.services);
    client = clientFor(server.url, tokenFor(server.services, user));
    const other = await newUser(server.services);
    otherClient = clientFor(server.url, tokenFor(server.services, other.user));
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('delivers new messages, edits, deletes and restores live, in order', async () => {
    const s = await client.session.create.mutate({ title: 'live' });
    const tab = record<Tracked<MessageEvent>>((h) =>
      client.message.onChange.subscribe({ sessionId: s.id }, h),
    );
    await waitFor('the stream to start', () => tab.starts === 1);
    const a = await client.message.send.mutate({ sessionId: s.id, content: 'a' });
    await client.message.edit.mutate({ id: a.id, content: 'A' });
    await client.message.delete.mutate({ id: a.id });
    await client.message.restore.mutate({ id: a.id });
    await waitFor('four events', () => tab.events.length >= 4);
    tab.unsubscribe();
    expect(summary(tab.events)).toEqual(['new:1:a', 'edited:1:A', 'deleted:1:A', 'restored:1:A']);
    const edited = tab.events[1]?.data;
    expect(edited?.kind === 'edited' && edited.message.editedAt).toBeInstanceOf(Date);
    expect(tab.events.map((e) => e.id)).toEqual(['1:0', '1:1', '1:2', '1:3']);
  });

  it('resumed after a missed edit and delete, delivers them (and the new message) once', async () => {
    const s = await client.session.create.mutate({ title: 'resume' });
    const a = await client.message.send.mutate({ sessionId: s.id, content: 'a' });
    const b = await client.message.send.mutate({ sessionId: s.id, content: 'b' });
    const first = record<Tracked<MessageEvent>>((h) =>
      client.message.onChange.subscribe({ sessionId: s.id, lastEventId: '0' }, h),
    );
    await waitFor('the two messages', () => first.events.length === 2);
    first.unsubscribe();
    const lastEventId = first.events.at(-1)?.id ?? '';
    expect(lastEventId).toBe('2:0');

    // Missed while away:
    await client.message.edit.mutate({ id: a.id, content: 'a, edited' });
    await client.message.delete.mutate({ id: b.id });
    await client.message.send.mutate({ sessionId: s.id, content: 'c' });

    const second = record<Tracked<MessageEvent>>((h) =>
      client.message.onChange.subscribe({ sessionId: s.id, lastEventId }, h),
    );
    await waitFor('what was missed', () => second.events.length >= 3);
    // One more live change marks the end: nothing else came before it.
    await client.message.edit.mutate({ id: a.id, content: 'a, again' });
    await waitFor('the marker', () => second.events.length >= 4);
    second.unsubscribe();
    expect(summary(second.events)).toEqual([
      'new:3:c',
      'edited:1:a, edited',
      'deleted:2:b',
      'edited:1:a, again',
    ]);
  });

  it('gives a resume older than the changes kept one reset', async () => {
    const s = await client.session.create.mutate({ title: 'reset' });
    const a = await client.message.send.mutate({ sessionId: s.id, content: 'a' });
    for (let i = 0; i <= recentChangesKept; i++) {
      await client.message.edit.mutate({ id: a.id, content: `a${i}` });
    }
    const late = record<Tracked<MessageEvent>>((h) =>
      client.message.onChange.subscribe({ sessionId: s.id, lastEventId: '1:0' }, h),
    );
    await waitFor('the reset', () => late.events.length >= 1);
    late.unsubscribe();
    expect(summary(late.events)).toEqual(['reset']);
    expect(late.events[0]?.id).toBe(`1:${recentChangesKept + 1}`);
  });

  it("refuses someone else's session and a garbled lastEventId", async () => {
    const s = await client.session.create.mutate({ title: 'mine' });
    const stranger = record<Tracked<MessageEvent>>((h) =>
      otherClient.message.onChange.subscribe({ sessionId: s.id }, h),
    );
    await waitFor('the refusal', () => stranger.error !== null);
    expect(stranger.error?.data?.code).toBe('NOT_FOUND');
    const garbled = record<Tracked<MessageEvent>>((h) =>
      client.message.onChange.subscribe({ sessionId: s.id, lastEventId: '1:x' }, h),
    );
    await waitFor('the refusal', () => garbled.error !== null);
    expect(garbled.error?.data?.code).toBe('BAD_REQUEST');
  });
});

describe('message.onNew, beside changes', () => {
  let client: Client;

  withServer({}, (s) => {
    ({ client } = s);
  });

  it('keeps its bare messages tracked by seq, ignores changes, and skips deleted ones', async () => {
    const s = await client.session.create.mutate({ title: 'old client' });
    const a = await client.message.send.mutate({ sessionId: s.id, content: 'a' });
    const b = await client.message.send.mutate({ sessionId: s.id, content: 'b' });
    await client.message.delete.mutate({ id: b.id });
    const tab = record<Tracked<Message>>((h) =>
      client.message.onNew.subscribe({ sessionId: s.id, lastEventId: '0' }, h),
    );
    await waitFor('the stream to start', () => tab.starts === 1);
    await client.message.edit.mutate({ id: a.id, content: 'A' });
    await client.message.send.mutate({ sessionId: s.id, content: 'c' });
    await waitFor('c', () => tab.events.some((e) => e.data.content === 'c'));
    tab.unsubscribe();
    expect(tab.events.map((e) => [e.id, e.data.content])).toEqual([
      ['1', 'a'],
      ['3', 'c'],
    ]);
  });
});
