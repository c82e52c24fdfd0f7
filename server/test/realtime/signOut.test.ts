import type { Message, SessionChange } from '@parley/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import type { UserDoc } from '../../src/db/documents';
import { newUser, startTestServer } from '../support/harness';
import { clientFor, record, tokenFor, waitFor } from './support';
import { redisFor, withTwoServers } from './twoServers';

type Tracked<T> = { id: string; data: T };
const anHour = '3600000';

async function signedInAgain(server: Parley, user: UserDoc): Promise<string> {
  const fresh = await server.services.db.users.findOne({ _id: user._id });
  if (!fresh) throw new Error('user vanished');
  return tokenFor(server.services, fresh);
}

describe('signing out everywhere, one process', () => {
  let server: Parley;
  beforeAll(async () => {
    server = await startTestServer({ LIVE_AUTH_RECHECK_MS: anHour });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('ends the open streams with UNAUTHORIZED before anything more is delivered', async () => {
    const { user } = await newUser(server.services);
    const old = clientFor(server.url, tokenFor(server.services, user));
    const session = await old.session.create.mutate({ title: 'signed out' });
    const before = server.services.bus.listenerCount();
    const messages = record<Tracked<Message>>((h) =>
      old.message.onNew.subscribe({ sessionId: session.id }, h),
    );
    const changes = record<Tracked<SessionChange>>((h) => old.session.onChange.subscribe({}, h));
    await waitFor('streams to start', () => messages.starts === 1 && changes.starts === 1);

    await old.auth.logoutEverywhere.mutate();
    await waitFor('both streams to end', () => messages.error !== null && changes.error !== null);
    expect(messages.error?.data?.code).toBe('UNAUTHORIZED');
    expect(changes.error?.data?.code).toBe('UNAUTHORIZED');
    await waitFor('listeners gone', () => server.services.bus.listenerCount() === before);

    // Signed in again, the user's new stream gets the next message; the old one got nothing.
    const now = clientFor(server.url, await signedInAgain(server, user));
    const fresh = record<Tracked<Message>>((h) =>
      now.message.onNew.subscribe({ sessionId: session.id }, h),
    );
    await waitFor('new stream to start', () => fresh.starts === 1);
    await now.message.send.mutate({ sessionId: session.id, content: 'after sign-out' });
    await waitFor('the new stream to get it', () => fresh.events.length === 1);
    expect(messages.events).toEqual([]);
    expect(changes.events).toEqual([]);
    for (const r of [messages, changes, fresh]) r.unsubscribe();
  });

  it("leaves another user's streams open", async () => {
    const a = await newUser(server.services);
    const b = await newUser(server.services);
    const onA = clientFor(server.url, tokenFor(server.services, a.user));
    const onB = clientFor(server.url, tokenFor(server.services, b.user));
    const session = await onB.session.create.mutate({ title: 'stays' });
    const watching = record<Tracked<Message>>((h) =>
      onB.message.onNew.subscribe({ sessionId: session.id }, h),
    );
    await waitFor('stream to start', () => watching.starts === 1);
    await onA.auth.logoutEverywhere.mutate();
    await onB.message.send.mutate({ sessionId: session.id, content: 'still here' });
    await waitFor('the message', () => watching.events.length === 1);
    expect(watching.error).toBeNull();
    watching.unsubscribe();
  });
});

const redis = await redisFor('cross-process sign-out tests');
const skipReason = redis.skipReason;

describe.skipIf(skipReason !== null)('signing out everywhere, two processes', () => {
  let a: Parley;
  let b: Parley;
  withTwoServers(
    redis,
    () => ({
      env: { LIVE_AUTH_RECHECK_MS: anHour },
      // B would trust its cached record of the caller for a minute: only the bus tells it.
      configureB: (c) => {
        c.callerCacheMs = 60_000;
      },
    }),
    (s) => {
      ({ a, b } = s);
    },
  );

  it('a stream on B ends with UNAUTHORIZED when the user signs out everywhere on A', async () => {
    const { user } = await newUser(a.services);
    const token = tokenFor(a.services, user);
    const onB = clientFor(b.url, token);
    const session = await onB.session.create.mutate({ title: 'across' });
    const messages = record<Tracked<Message>>((h) =>
      onB.message.onNew.subscribe({ sessionId: session.id }, h),
    );
    await waitFor('stream to start', () => messages.starts === 1);
    await clientFor(a.url, token).auth.logoutEverywhere.mutate();
    await waitFor('the stream on B to end', () => messages.error !== null);
    expect(messages.error?.data?.code).toBe('UNAUTHORIZED');

    const now = clientFor(a.url, await signedInAgain(a, user));
    await now.message.send.mutate({ sessionId: session.id, content: 'after sign-out' });
    const again = clientFor(b.url, await signedInAgain(b, user));
    const control = record<Tracked<Message>>((h) =>
      again.message.onNew.subscribe({ sessionId: session.id, lastEventId: '0' }, h),
    );
    await waitFor('a fresh stream on B to get it', () => control.events.length === 1);
    expect(messages.events).toEqual([]);
    messages.unsubscribe();
    control.unsubscribe();
  });
});
