// A "New Chat" takes its title from its first message, on the server: through tRPC
// and the REST routes alike, live to the user's other tabs as `renamed`, and never
// over a title the user chose.
import type { SessionChange } from '@parley/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import { titleFrom } from '../../src/chat/titles';
import { clientFor, record, tokenFor, waitFor } from '../realtime/support';
import { loginToken, rest } from '../rest/support';
import { newUser, startTestServer } from '../support/harness';

type Tracked<T> = { id: string; data: T };

describe('titleFrom', () => {
  it('takes the first line, without markdown markers, cut at a word boundary near 60', () => {
    expect(titleFrom('Plan a trip to Lisbon\nwith three days')).toBe('Plan a trip to Lisbon');
    expect(titleFrom('# Heading here')).toBe('Heading here');
    expect(titleFrom('> quoted **bold** text')).toBe('quoted bold text');
    expect(titleFrom('- item one\n- item two')).toBe('item one');
    expect(titleFrom('1. first step')).toBe('first step');
    expect(titleFrom('\n\n   \n  second line first')).toBe('second line first');
    expect(titleFrom('```ts\nconst x = 1;\n```')).toBe('const x = 1;');
    const long =
      'Why does my TypeScript build take so long when the project has only a few files in it';
    const title = titleFrom(long) ?? '';
    expect(title).toBe('Why does my TypeScript build take so long when the project…');
    expect([...title].length).toBeLessThanOrEqual(61);
    expect(titleFrom('x'.repeat(200))).toBe(`${'x'.repeat(60)}…`);
    expect(titleFrom('#\n>\n```\n```')).toBeNull();
    expect(titleFrom('\u200b\u200b')).toBeNull();
  });
});

describe('a chat titled by its first message', () => {
  let server: Parley;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('sets the title when the first message is stored, and tells other tabs `renamed`', async () => {
    const { user } = await newUser(server.services);
    const client = clientFor(server.url, tokenFor(server.services, user));
    const otherTab = record<Tracked<SessionChange>>((h) =>
      client.session.onChange.subscribe({}, h),
    );
    await waitFor('the other tab to listen', () => otherTab.starts === 1);
    const marker = await client.session.create.mutate({ title: 'later' });
    const chat = await client.session.create.mutate({});
    expect(chat.title).toBe('New Chat');
    await client.message.send.mutate({ sessionId: chat.id, content: '## Lisbon in May\nideas?' });
    expect((await client.session.get.query({ id: chat.id })).title).toBe('Lisbon in May');
    const listed = await client.session.list.query({});
    expect(listed.items.find((s) => s.id === chat.id)?.title).toBe('Lisbon in May');
    await waitFor('renamed in the other tab', () =>
      otherTab.events.some((e) => e.data.kind === 'renamed' && e.data.session.id === chat.id),
    );
    // Whatever the tab hears after it (the send's own change included) keeps the new title.
    await client.session.rename.mutate({ id: marker.id, title: 'marker' });
    await waitFor('a later change', () =>
      otherTab.events.some((e) => e.data.session.id === marker.id),
    );
    const last = otherTab.events.filter((e) => e.data.session.id === chat.id).at(-1);
    expect(last?.data.session.title).toBe('Lisbon in May');
    otherTab.unsubscribe();

    // Only the first message names the chat.
    await client.message.send.mutate({ sessionId: chat.id, content: 'Something else' });
    expect((await client.session.get.query({ id: chat.id })).title).toBe('Lisbon in May');
  });

  it('never replaces a title the user chose: a rename, or one given at creation', async () => {
    const { user } = await newUser(server.services);
    const client = clientFor(server.url, tokenFor(server.services, user));
    const renamed = await client.session.create.mutate({});
    await client.session.rename.mutate({ id: renamed.id, title: 'My own' });
    await client.message.send.mutate({ sessionId: renamed.id, content: 'first words' });
    expect((await client.session.get.query({ id: renamed.id })).title).toBe('My own');

    // Renamed to the default itself: still the user's choice.
    const back = await client.session.create.mutate({});
    await client.session.rename.mutate({ id: back.id, title: 'New Chat' });
    await client.message.send.mutate({ sessionId: back.id, content: 'first words' });
    expect((await client.session.get.query({ id: back.id })).title).toBe('New Chat');

    const given = await client.session.create.mutate({ title: 'Given' });
    await client.message.send.mutate({ sessionId: given.id, content: 'first words' });
    expect((await client.session.get.query({ id: given.id })).title).toBe('Given');
  });

  it('titles a chat whose first message comes through the REST routes', async () => {
    const { createUser } = await import('../../src/auth/users');
    await createUser(
      server.services.db,
      server.services.passwords,
      'title_rest2',
      'rest-password-1',
    );
    const token = await loginToken(server.url, 'title_rest2', 'rest-password-1');
    const created = await rest(server.url, 'POST', '/chat/sessions', { token, json: {} });
    const id = (created.body as { _id: string })._id;
    expect((created.body as { title: string }).title).toBe('New Chat');
    const sent = await rest(server.url, 'POST', `/chat/sessions/${id}/messages`, {
      token,
      json: { content: 'Grocery list for the weekend barbecue with friends and family members' },
    });
    expect(sent.status).toBe(200);
    const got = await rest(server.url, 'GET', `/chat/sessions/${id}`, { token });
    expect((got.body as { title: string }).title).toBe(
      'Grocery list for the weekend barbecue with friends and…',
    );
  });
});
