// Live streams are capped: per user (one more ends that user's oldest, which
// completes cleanly) and per process (one more is refused, retryably, until one closes).
import type { SessionChange } from '@parley/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import { idString } from '../../src/db/ids';
import { newUser, startTestServer } from '../support/harness';
import { type Client, clientFor, type Recorder, record, tokenFor, waitFor } from './support';

type Tracked<T> = { id: string; data: T };

function watch(client: Client): Recorder<Tracked<SessionChange>> {
  return record<Tracked<SessionChange>>((h) => client.session.onChange.subscribe({}, h));
}

describe('live stream caps', () => {
  let server: Parley;
  beforeAll(async () => {
    server = await startTestServer({ LIVE_STREAMS_PER_USER: '3', LIVE_STREAMS_PER_PROCESS: '5' });
  });
  afterAll(async () => {
    await server?.stop();
  });
  const streams = () => server.services.streams;

  it("a user's fourth stream ends their oldest cleanly; the others keep delivering", async () => {
    const { user } = await newUser(server.services);
    const client = clientFor(server.url, tokenFor(server.services, user));
    const id = idString(user._id);
    const open: Recorder<Tracked<SessionChange>>[] = [];
    for (let i = 0; i < 3; i++) {
      const rec = watch(client);
      open.push(rec);
      await waitFor(`stream ${i + 1} counted`, () => streams().countFor(id) === i + 1);
    }
    const newest = watch(client);
    await waitFor('the oldest to complete', () => open[0]?.completed === true);
    await waitFor('the newest counted', () => newest.starts === 1 && streams().countFor(id) === 3);
    expect(open[0]?.error).toBeNull();

    await client.session.create.mutate({ title: 'seen by three' });
    const live = [open[1], open[2], newest] as Recorder<Tracked<SessionChange>>[];
    await waitFor('the three open streams to get it', () =>
      live.every((r) => r.events.length === 1),
    );
    expect(open[0]?.events).toEqual([]);
    for (const r of live) expect(r.completed || r.error !== null).toBe(false);
    for (const r of [...open, newest]) r.unsubscribe();
    await waitFor('streams gone', () => streams().countFor(id) === 0);
  });

  it('the process refuses one stream past its cap with a retryable error, and takes one after a close', async () => {
    await waitFor('earlier streams gone', () => streams().size === 0);
    const users = await Promise.all([newUser(server.services), newUser(server.services)]);
    const clients = users.map(({ user }) => clientFor(server.url, tokenFor(server.services, user)));
    const open: Recorder<Tracked<SessionChange>>[] = [];
    for (let i = 0; i < 5; i++) {
      open.push(watch(clients[i % 2] as Client));
      await waitFor(`stream ${i + 1} counted`, () => streams().size === i + 1);
    }
    // The second user holds 2 of their 3: the process's cap is what refuses. The error
    // is retryable, so the client keeps reconnecting until a place is free.
    const errors: { code?: string; message: string }[] = [];
    const second = clients[1] as Client;
    const session = await second.session.create.mutate({ title: 'once in' });
    const waiting = record<Tracked<SessionChange>>((h) =>
      second.session.onChange.subscribe(
        {},
        {
          ...h,
          onConnectionStateChange: (state) => {
            if (state.error)
              errors.push({ code: state.error.data?.code, message: state.error.message });
          },
        },
      ),
    );
    await waitFor('the refusal', () => errors.length > 0);
    expect(errors[0]?.code).toBe('SERVICE_UNAVAILABLE');
    expect(errors[0]?.message).toMatch(/too many live views.*try again/i);
    expect(streams().size).toBe(5);

    open[0]?.unsubscribe();
    await waitFor(
      'the waiting stream to get in',
      () => streams().size === 5 && waiting.starts > 1,
      20_000,
    );
    await second.session.rename.mutate({ id: session.id, title: 'seen' });
    await waitFor('the change', () => waiting.events.length === 1);
    expect(waiting.error).toBeNull();
    const later = waiting;
    for (const r of [...open, later]) r.unsubscribe();
    await waitFor('streams gone', () => streams().size === 0);
  });
});
