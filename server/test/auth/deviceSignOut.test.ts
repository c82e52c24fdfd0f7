// Signing out one device ends that device's access token at once, in this
// process and in another one, and its open live streams with it; the user's
// other devices stay signed in.
import type { Message } from '@parley/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import { clientFor, record, waitFor } from '../realtime/support';
import { redisFor, withTwoServers } from '../realtime/twoServers';
import { startTestServer } from '../support/harness';

type Tracked<T> = { id: string; data: T };
const anHour = '3600000';
const password = 'device password';

async function twoDevices(server: Parley, username: string) {
  const anon = clientFor(server.url, '');
  await anon.auth.register.mutate({ username, password });
  const sign = () => anon.auth.login.mutate({ username, password, refreshTransport: 'body' });
  return { phone: await sign(), laptop: await sign() };
}

async function codeOfCall(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return (e as { data?: { code?: string } }).data?.code ?? String(e);
  }
}

describe('signing out one device, one process', () => {
  let server: Parley;
  beforeAll(async () => {
    server = await startTestServer({ LIVE_AUTH_RECHECK_MS: anHour });
  });
  afterAll(() => server?.stop());

  it("refuses that device's access token at once and ends its streams; the other device stays", async () => {
    const { phone, laptop } = await twoDevices(server, 'two-devices');
    const onPhone = clientFor(server.url, phone.accessToken);
    const onLaptop = clientFor(server.url, laptop.accessToken);
    const session = await onPhone.session.create.mutate({ title: 'both devices' });
    const phoneStream = record<Tracked<Message>>((h) =>
      onPhone.message.onNew.subscribe({ sessionId: session.id }, h),
    );
    const laptopStream = record<Tracked<Message>>((h) =>
      onLaptop.message.onNew.subscribe({ sessionId: session.id }, h),
    );
    await waitFor('streams to start', () => phoneStream.starts === 1 && laptopStream.starts === 1);

    await clientFor(server.url, '').auth.logout.mutate({ refreshToken: phone.refreshToken });

    expect(await codeOfCall(onPhone.session.list.query({}))).toBe('UNAUTHORIZED');
    await waitFor('the phone stream to end', () => phoneStream.error !== null);
    expect(phoneStream.error?.data?.code).toBe('UNAUTHORIZED');

    await onLaptop.message.send.mutate({ sessionId: session.id, content: 'still signed in' });
    await waitFor('the laptop stream to get it', () => laptopStream.events.length === 1);
    expect(laptopStream.error).toBeNull();
    expect(phoneStream.events).toEqual([]);
    phoneStream.unsubscribe();
    laptopStream.unsubscribe();
  });

  it('a token refreshed from the same sign-in ends with it', async () => {
    const { phone } = await twoDevices(server, 'refreshed-device');
    const anon = clientFor(server.url, '');
    const refreshed = await anon.auth.refresh.mutate({ refreshToken: phone.refreshToken });
    const onPhone = clientFor(server.url, refreshed.accessToken);
    expect(await codeOfCall(onPhone.session.list.query({}))).toBe('ok');
    await anon.auth.logout.mutate({ refreshToken: refreshed.refreshToken });
    expect(await codeOfCall(onPhone.session.list.query({}))).toBe('UNAUTHORIZED');
    expect(await codeOfCall(clientFor(server.url, phone.accessToken).auth.me.query())).toBe(
      'UNAUTHORIZED',
    );
  });
});

const redis = await redisFor('cross-process device sign-out tests');

describe.skipIf(redis.skipReason !== null)('signing out one device, two processes', () => {
  let a: Parley;
  let b: Parley;
  withTwoServers(
    redis,
    () => ({
      env: { LIVE_AUTH_RECHECK_MS: anHour },
      // B would trust what it last read for a minute: only the bus tells it.
      configureB: (c) => {
        c.callerCacheMs = 60_000;
      },
    }),
    (s) => {
      ({ a, b } = s);
    },
  );

  it('B refuses the token and ends its stream when the device signs out on A', async () => {
    const { phone, laptop } = await twoDevices(a, 'across-devices');
    const onB = clientFor(b.url, phone.accessToken);
    const session = await onB.session.create.mutate({ title: 'across' });
    const stream = record<Tracked<Message>>((h) =>
      onB.message.onNew.subscribe({ sessionId: session.id }, h),
    );
    await waitFor('stream to start', () => stream.starts === 1);

    await clientFor(a.url, '').auth.logout.mutate({ refreshToken: phone.refreshToken });
    await waitFor('the stream on B to end', () => stream.error !== null);
    expect(stream.error?.data?.code).toBe('UNAUTHORIZED');
    expect(await codeOfCall(onB.session.list.query({}))).toBe('UNAUTHORIZED');
    expect(await codeOfCall(clientFor(b.url, laptop.accessToken).session.list.query({}))).toBe(
      'ok',
    );
    stream.unsubscribe();
  });
});
