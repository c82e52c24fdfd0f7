// Two Parley servers sharing one database and one Redis: events published on one
// reach subscribers on the other, in order and once each. Skipped, with the reason
// printed, only when no Redis can be reached or started.
import { randomBytes } from 'node:crypto';
import type { Message, SessionChange } from '@parley/shared';
import type { TRPCClientError } from '@trpc/client';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import { busResync } from '../../src/realtime/bus';
import { sessionChannel } from '../../src/realtime/channels';
import type { AppRouter } from '../../src/routers/app';
import { newUser } from '../support/harness';
import { type Client, clientFor, record, sleep, tokenFor, waitFor } from './support';
import { redisFor, withTwoServers } from './twoServers';

type Tracked<T> = { id: string; data: T };
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

const redis = await redisFor('cross-process real-time tests');
const skipReason = redis.skipReason;

describe.skipIf(skipReason !== null)('two server processes with one database and one Redis', () => {
  const redisUrl = redis.url;
  // A namespace per run, so parallel runs sharing this Redis never hear each other.
  const prefix = `parley-test-${randomBytes(4).toString('hex')}:`;
  let a: Parley;
  let b: Parley;
  let onA: Client;
  let onB: Client;
  /** Listeners each server keeps for its whole life (the caller cache's), before any stream. */
  let standing: [number, number];

  withTwoServers(
    redis,
    () => ({
      env: { REDIS_PREFIX: prefix },
      // B would reuse a caller's record for a minute: only the bus can tell it of a sign-out.
      configureB: (c) => {
        c.callerCacheMs = 60_000;
      },
    }),
    (s) => {
      ({ a, b, onA, onB } = s);
      standing = [a.services.bus.listenerCount(), b.services.bus.listenerCount()];
    },
  );

  it('a subscriber on A receives 200 messages sent through B, in order, once each', async () => {
    const session = await onB.session.create.mutate({ title: 'across' });
    const messages = record<Tracked<Message>>((h) =>
      onA.message.onNew.subscribe({ sessionId: session.id }, h),
    );
    const changes = record<Tracked<SessionChange>>((h) => onA.session.onChange.subscribe({}, h));
    await waitFor('both streams to start', () => messages.starts === 1 && changes.starts === 1);

    for (let i = 1; i <= 200; i++) {
      await onB.message.send.mutate({ sessionId: session.id, content: `m${i}` });
    }
    await waitFor('200 messages on A', () => messages.events.length >= 200, 30_000);
    await waitFor('200 session changes on A', () => changes.events.length >= 200, 10_000);
    await sleep(300);
    messages.unsubscribe();
    changes.unsubscribe();

    expect(messages.events.map((e) => e.data.seq)).toEqual(range(1, 200));
    expect(messages.events.map((e) => e.data.content)).toEqual(range(1, 200).map((i) => `m${i}`));
    expect(new Set(messages.events.map((e) => e.data.id)).size).toBe(200);
    expect(messages.error).toBeNull();
    expect(changes.events.map((e) => e.data.kind)).toEqual(Array(200).fill('message'));
    expect(changes.events.map((e) => e.data.session.messageCount)).toEqual(range(1, 200));
  });

  it('concurrent sends through B still reach A in seq order, once each', async () => {
    const session = await onB.session.create.mutate({ title: 'burst across' });
    const messages = record<Tracked<Message>>((h) =>
      onA.message.onNew.subscribe({ sessionId: session.id }, h),
    );
    await waitFor('stream to start', () => messages.starts === 1);
    // Sends finish (and publish) in an order of their own; the stream restores seq order.
    await Promise.all(
      range(1, 40).map((i) => onB.message.send.mutate({ sessionId: session.id, content: `c${i}` })),
    );
    await waitFor('40 messages on A', () => messages.events.length >= 40, 20_000);
    await sleep(300);
    messages.unsubscribe();
    expect(messages.events.map((e) => e.data.seq)).toEqual(range(1, 40));
  });

  it('when the Redis connection drops, the servers resubscribe and streams catch up from the database', async () => {
    const session = await onB.session.create.mutate({ title: 'outage' });
    const messages = record<Tracked<Message>>((h) =>
      onA.message.onNew.subscribe({ sessionId: session.id }, h),
    );
    await waitFor('stream to start', () => messages.starts === 1);
    await onB.message.send.mutate({ sessionId: session.id, content: 'before' });
    await waitFor('first message', () => messages.events.length === 1);

    const heard: unknown[] = [];
    const off = await a.services.bus.subscribe('probe', (p) => heard.push(p));
    const probe = new Redis(redisUrl);
    try {
      // Drop this run's subscriber connections (named `<prefix>sub`), then keep sending.
      const list = (await probe.client('LIST')) as string;
      const ids = list
        .split('\n')
        .filter((line) => line.includes(` name=${prefix}sub `))
        .map((line) => /\bid=(\d+)/.exec(line)?.[1]);
      expect(ids).toHaveLength(2);
      for (const id of ids) await probe.client('KILL', 'ID', id ?? '');
      for (let i = 1; i <= 10; i++) {
        await onB.message.send.mutate({ sessionId: session.id, content: `after ${i}` });
      }
      await waitFor('the resync notice', () => heard.includes(busResync), 10_000);
      await waitFor('all 11 messages', () => messages.events.length >= 11, 15_000);
      await sleep(300);
      expect(messages.events.map((e) => e.data.seq)).toEqual(range(1, 11));
      // And live delivery works again after the reconnect.
      await onB.message.send.mutate({ sessionId: session.id, content: 'later' });
      await waitFor('message 12', () => messages.events.length >= 12);
      expect(messages.events.map((e) => e.data.seq)).toEqual(range(1, 12));
    } finally {
      off();
      messages.unsubscribe();
      probe.disconnect();
    }
  });

  it('signing out everywhere on A refuses the old token on B at once, though B had just used it', async () => {
    const { user } = await newUser(a.services);
    const token = tokenFor(a.services, user);
    const viaB = clientFor(b.url, token);
    expect((await viaB.auth.me.query()).id).toBe(user._id.toHexString());
    await clientFor(a.url, token).auth.logoutEverywhere.mutate();
    const refusedAt = Date.now();
    let refused = false;
    while (!refused && Date.now() - refusedAt < 2_000) {
      refused = await viaB.auth.me.query().then(
        () => false,
        (e: TRPCClientError<AppRouter>) => e.data?.code === 'UNAUTHORIZED',
      );
      if (!refused) await sleep(20);
    }
    expect(refused).toBe(true);
  });

  it('subscribing and unsubscribing leaves no listeners and no Redis subscriptions behind', async () => {
    const bus = a.services.bus;
    // The earlier tests' HTTP streams, closed by their clients, are gone from the server too.
    await waitFor('closed streams to leave A', () => bus.listenerCount() === standing[0], 5_000);
    await waitFor(
      'closed streams to leave B',
      () => b.services.bus.listenerCount() === standing[1],
      5_000,
    );
    const before = bus.listenerCount();
    const channel = sessionChannel(randomBytes(12).toString('hex'));
    for (let i = 0; i < 200; i++) {
      const offs = await Promise.all([
        bus.subscribe(channel, () => {}),
        bus.subscribe(channel, () => {}),
      ]);
      for (const off of offs) off();
    }
    expect(bus.listenerCount()).toBe(before);
    const probe = new Redis(redisUrl);
    try {
      const numsub = async () => {
        const [, n] = (await probe.pubsub('NUMSUB', prefix + channel)) as [string, number];
        return Number(n);
      };
      const deadline = Date.now() + 2_000;
      while ((await numsub()) !== 0 && Date.now() < deadline) await sleep(50);
      expect(await numsub()).toBe(0);
    } finally {
      probe.disconnect();
    }
  });
});
