// A user only ever hears about their own sessions: subscribing to someone else's
// session is NOT_FOUND (exactly like a session that does not exist), and a user's
// session.onChange never carries another user's events, live or on resume.
import type { Message, SessionChange } from '@parley/shared';
import { TRPCError } from '@trpc/server';
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import { idString } from '../../src/db/ids';
import { callerFor, newUser, startTestServer } from '../support/harness';
import { type Client, clientFor, record, sleep, tokenFor, waitFor } from './support';

type Tracked<T> = { id: string; data: T };

describe('isolation between users', () => {
  let server: Parley;
  let alice: Client;
  let bob: Client;
  let bobId: string;

  beforeAll(async () => {
    server = await startTestServer();
    const a = await newUser(server.services);
    const b = await newUser(server.services);
    bobId = idString(b.user._id);
    alice = clientFor(server.url, tokenFor(server.services, a.user));
    bob = clientFor(server.url, tokenFor(server.services, b.user));
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("subscribing to another user's session is NOT_FOUND, like a session that does not exist", async () => {
    const hers = await alice.session.create.mutate({ title: 'private' });
    for (const sessionId of [hers.id, new ObjectId().toHexString()]) {
      const rec = record<Tracked<Message>>((h) => bob.message.onNew.subscribe({ sessionId }, h));
      await waitFor('the refusal', () => rec.error !== null);
      expect(rec.error?.data?.code).toBe('NOT_FOUND');
      expect(rec.events).toEqual([]);
      rec.unsubscribe();
    }
    // The same through a caller: nothing is yielded, the iteration fails.
    const { user } = await newUser(server.services);
    const stream = await callerFor(server.services, user).message.onNew({ sessionId: hers.id });
    const failure = await stream[Symbol.asyncIterator]()
      .next()
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TRPCError);
    expect((failure as TRPCError).code).toBe('NOT_FOUND');
  });

  it("a user's session.onChange never carries another user's events", async () => {
    const bobs = record<Tracked<SessionChange>>((h) => bob.session.onChange.subscribe({}, h));
    await waitFor('stream to start', () => bobs.starts === 1);
    const start = bobs.events.length;

    const hers = await alice.session.create.mutate({ title: 'hers' });
    await alice.session.rename.mutate({ id: hers.id, title: 'hers, renamed' });
    await alice.message.send.mutate({ sessionId: hers.id, content: 'secret' });
    await alice.session.delete.mutate({ id: hers.id });
    const his = await bob.session.create.mutate({ title: 'his' });
    await bob.message.send.mutate({ sessionId: his.id, content: 'mine' });

    await waitFor("bob's two events", () => bobs.events.length >= start + 2);
    await sleep(300);
    const firstId = bobs.events[0]?.id;
    bobs.unsubscribe();
    expect(bobs.events.map((e) => e.data.kind)).toEqual(['created', 'message']);
    expect(bobs.events.every((e) => e.data.session.userId === bobId)).toBe(true);
    expect(JSON.stringify(bobs.events)).not.toContain('secret');

    // Resuming from before any of this carries only his session too.
    const resumed = record<Tracked<SessionChange>>((h) =>
      bob.session.onChange.subscribe({ lastEventId: `0:${'0'.repeat(24)}` }, h),
    );
    await waitFor('catch-up', () => resumed.events.length >= 1);
    await sleep(300);
    resumed.unsubscribe();
    expect(resumed.events.map((e) => e.data.session.id)).toEqual([his.id]);
    expect(firstId).toBeDefined();
  });
});
