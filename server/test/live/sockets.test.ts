// The web app's live views over one WebSocket per tab: the socket signs in with its
// token and is closed (4401) when the token is bad, expired or signed out; after any
// reconnect its streams resume after their last event; sockets and streams are capped.
import type { Message } from '@parley/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Parley } from '../../src/app';
import { AccessTokens } from '../../src/auth/tokens';
import type { UserDoc } from '../../src/db/documents';
import { idString } from '../../src/db/ids';
import { clientFor, record, tokenFor, waitFor } from '../realtime/support';
import { newUser, startTestServer, testSecret } from '../support/harness';
import { socketClient, socketUrl } from './support';

type Tracked<T> = { id: string; data: T };
const seqs = (events: Tracked<Message>[]) => events.map((e) => e.data.seq);

async function chatOf(server: Parley, user: UserDoc) {
  const http = clientFor(server.url, () => tokenFor(server.services, user));
  const session = await http.session.create.mutate({ title: 'live' });
  const send = (content: string) => http.message.send.mutate({ sessionId: session.id, content });
  return { http, session, send };
}

/** The status line a raw upgrade to /trpc gets, or 101 once it is a socket. */
function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${socketUrl(url)}?connectionParams=1`, { headers });
    ws.once('upgrade', () => resolve(101));
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', () => {});
  });
}

describe('live sockets', () => {
  let server: Parley;
  beforeAll(async () => {
    server = await startTestServer({
      LIVE_SOCKETS_PER_USER: '2',
      LIVE_SOCKETS_PER_PROCESS: '6',
      LIVE_AUTH_RECHECK_MS: '3600000',
    });
  });
  afterAll(() => server?.stop());

  it("carries a tab's streams on one socket: what is sent over HTTP arrives live", async () => {
    const { user } = await newUser(server.services);
    const { session, send } = await chatOf(server, user);
    const tab = socketClient(server.url, () => tokenFor(server.services, user));
    const onNew = record<Tracked<Message>>((h) =>
      tab.client.message.onNew.subscribe({ sessionId: session.id }, h),
    );
    const onChange = record((h) => tab.client.folder.onChange.subscribe({}, h));
    await waitFor('both streams', () => onNew.starts === 1 && onChange.starts === 1);
    expect(server.services.streams.countFor(idString(user._id))).toBe(2);
    await send('hello');
    await waitFor('the message', () => onNew.events.length === 1);
    expect(onNew.events[0]?.data.content).toBe('hello');
    expect(server.sockets.counts.countFor(idString(user._id))).toBe(1);
    await tab.close();
    await waitFor(
      'the streams to end',
      () => server.services.streams.countFor(idString(user._id)) === 0,
    );
  });

  it('refuses a bad token and an expired one: the socket closes with 4401 and nothing streams', async () => {
    const { user } = await newUser(server.services);
    const { session, send } = await chatOf(server, user);
    const expired = new AccessTokens(testSecret, -60).sign({
      userId: idString(user._id),
      tokenVersion: user.token_version ?? 0,
    }).token;
    for (const token of ['not-a-token', expired, '']) {
      const tab = socketClient(server.url, () => token, 60_000);
      const onNew = record<Tracked<Message>>((h) =>
        tab.client.message.onNew.subscribe({ sessionId: session.id }, h),
      );
      await waitFor('the refusal', () => tab.closes.length > 0);
      expect(tab.closes).toEqual([4401]);
      await send('not for a refused socket');
      await new Promise((r) => setTimeout(r, 200));
      expect(onNew.events).toEqual([]);
      expect(server.services.streams.countFor(idString(user._id))).toBe(0);
      await tab.close();
    }
  });

  it("ends a signed-out device's socket at once; the other device's goes on", async () => {
    const anon = clientFor(server.url, '');
    const username = `devices${Date.now()}`;
    const password = 'correct horse battery';
    await anon.auth.register.mutate({ username, password });
    const sign = () => anon.auth.login.mutate({ username, password, refreshTransport: 'body' });
    const phone = await sign();
    const laptop = await sign();
    const http = clientFor(server.url, laptop.accessToken);
    const session = await http.session.create.mutate({ title: 'two devices' });
    const onPhone = socketClient(server.url, () => phone.accessToken, 60_000);
    const onLaptop = socketClient(server.url, () => laptop.accessToken);
    const phoneStream = record<Tracked<Message>>((h) =>
      onPhone.client.message.onNew.subscribe({ sessionId: session.id }, h),
    );
    const laptopStream = record<Tracked<Message>>((h) =>
      onLaptop.client.message.onNew.subscribe({ sessionId: session.id }, h),
    );
    await waitFor('both streams', () => phoneStream.starts === 1 && laptopStream.starts === 1);

    await anon.auth.logout.mutate({ refreshToken: phone.refreshToken });
    await waitFor('the phone socket to close', () => onPhone.closes.length > 0);
    expect(onPhone.closes).toEqual([4401]);

    await http.message.send.mutate({ sessionId: session.id, content: 'still signed in' });
    await waitFor('the laptop to get it', () => laptopStream.events.length === 1);
    expect(phoneStream.events).toEqual([]);
    expect(onLaptop.closes).toEqual([]);
    await onPhone.close();
    await onLaptop.close();
  });

  it('resumes after a dropped socket from the last event: nothing lost, nothing twice', async () => {
    const { user } = await newUser(server.services);
    const { session, send } = await chatOf(server, user);
    const tab = socketClient(server.url, () => tokenFor(server.services, user), 1_000);
    const onNew = record<Tracked<Message>>((h) =>
      tab.client.message.onNew.subscribe({ sessionId: session.id }, h),
    );
    await waitFor('the stream', () => onNew.starts === 1);
    await send('one');
    await waitFor('the first message', () => onNew.events.length === 1);
    tab.drop();
    await waitFor('the drop', () => tab.closes.length === 1);
    for (const content of ['two', 'three', 'four']) await send(content);
    await waitFor('the rest', () => onNew.events.length >= 4);
    await send('five');
    await waitFor('the live one after', () => onNew.events.length >= 5);
    await new Promise((r) => setTimeout(r, 200));
    expect(seqs(onNew.events)).toEqual([1, 2, 3, 4, 5]);
    expect(onNew.error).toBeNull();
    await tab.close();
  });

  it('caps sockets per user (one more is closed with 4429) and per process (503), and serves subscriptions only', async () => {
    const { user } = await newUser(server.services);
    const { session, send } = await chatOf(server, user);
    const token = () => tokenFor(server.services, user);
    const tabs = [socketClient(server.url, token), socketClient(server.url, token)];
    const streams = tabs.map((tab) =>
      record<Tracked<Message>>((h) =>
        tab.client.message.onNew.subscribe({ sessionId: session.id }, h),
      ),
    );
    await waitFor('two streams', () => streams.every((s) => s.starts === 1));
    const third = socketClient(server.url, token, 60_000);
    const refused = record((h) =>
      third.client.message.onNew.subscribe({ sessionId: session.id }, h),
    );
    await waitFor('the third socket to close', () => third.closes.length > 0);
    expect(third.closes).toEqual([4429]);
    expect(refused.starts).toBe(0);
    await send('to both');
    await waitFor('both tabs', () => streams.every((s) => s.events.length === 1));

    // Queries and mutations stay on HTTP.
    await expect(tabs[0]?.client.session.list.query({})).rejects.toMatchObject({
      data: { code: 'NOT_FOUND' },
    });

    // Six in the process (two signed in, one closing, three opened here): the seventh is refused.
    await third.close();
    await waitFor('the third to be gone', () => server.sockets.counts.size === 2);
    const idle = await Promise.all([1, 2, 3, 4].map(() => rawSocket(server.url)));
    expect(await upgradeStatus(server.url)).toBe(503);
    for (const ws of idle) ws.terminate();
    await waitFor('the idle ones to go', () => server.sockets.counts.size === 2);
    expect(await upgradeStatus(server.url)).toBe(101);
    for (const tab of tabs) await tab.close();
  });

  it('refuses an upgrade from another site and one to another path', async () => {
    expect(await upgradeStatus(server.url, { origin: 'https://elsewhere.example' })).toBe(403);
    const other = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/trpc/message.onNew`);
      ws.once('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
      ws.once('error', () => {});
    });
    expect(other).toBe(404);
  });
});

function rawSocket(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${socketUrl(url)}?connectionParams=1`);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

describe('a socket whose token expires', () => {
  let server: Parley;
  beforeAll(async () => {
    server = await startTestServer({ LIVE_AUTH_RECHECK_MS: '3600000' }, (c) => {
      c.accessTokenTtlSeconds = 2;
    });
  });
  afterAll(() => server?.stop());

  it('closes with 4401 at the expiry and comes back with a renewed token, missing nothing', async () => {
    const { user } = await newUser(server.services);
    const { session, send } = await chatOf(server, user);
    let renewals = 0;
    const tab = socketClient(server.url, () => {
      renewals++;
      return tokenFor(server.services, user);
    });
    const onNew = record<Tracked<Message>>((h) =>
      tab.client.message.onNew.subscribe({ sessionId: session.id }, h),
    );
    await waitFor('the stream', () => onNew.starts === 1);
    const until = Date.now() + 4_500;
    let sent = 0;
    while (Date.now() < until) {
      await send(`m${++sent}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await waitFor('every message', () => onNew.events.length >= sent);
    expect(tab.closes.filter((c) => c === 4401).length).toBeGreaterThanOrEqual(1);
    expect(renewals).toBeGreaterThanOrEqual(2);
    expect(seqs(onNew.events)).toEqual(Array.from({ length: sent }, (_, i) => i + 1));
    expect(onNew.error).toBeNull();
    await tab.close();
  });
});

describe('a server that stops', () => {
  it('closes its sockets with 1012 (restarting) and refuses new ones', async () => {
    const server = await startTestServer();
    const { user } = await newUser(server.services);
    const { session } = await chatOf(server, user);
    const tab = socketClient(server.url, () => tokenFor(server.services, user), 60_000);
    const onNew = record((h) => tab.client.message.onNew.subscribe({ sessionId: session.id }, h));
    await waitFor('the stream', () => onNew.starts === 1);
    const started = Date.now();
    await server.stop();
    expect(tab.closes[0]).toBe(1012);
    expect(Date.now() - started).toBeLessThan(8_000);
    await tab.close();
  });
});

describe('streams on sockets', () => {
  let server: Parley;
  beforeAll(async () => {
    server = await startTestServer({ LIVE_STREAMS_PER_USER: '2' });
  });
  afterAll(() => server?.stop());

  it("count against the user's streams: one more ends the oldest, on whichever socket", async () => {
    const { user } = await newUser(server.services);
    const { session, send } = await chatOf(server, user);
    const token = () => tokenFor(server.services, user);
    const [a, b] = [socketClient(server.url, token), socketClient(server.url, token)];
    const follow = (tab: typeof a) =>
      record<Tracked<Message>>((h) =>
        tab.client.message.onNew.subscribe({ sessionId: session.id }, h),
      );
    const oldest = follow(a);
    await waitFor('the first stream', () => oldest.starts === 1);
    const second = follow(a);
    await waitFor('the second stream', () => second.starts === 1);
    const third = follow(b);
    await waitFor('the oldest to end', () => oldest.completed);
    await waitFor('the third stream', () => third.starts === 1);
    expect(server.services.streams.countFor(idString(user._id))).toBe(2);
    await send('after the cap');
    await waitFor('both live ones', () => second.events.length === 1 && third.events.length === 1);
    expect(oldest.events).toEqual([]);
    expect(a.closes).toEqual([]);
    await a.close();
    await b.close();
  });
});
