// A consumer that stops reading cannot make the server buffer without bound: its
// stream holds at most LIVE_BUFFER_SIZE events, then ends with a retryable error,
// and resuming from the last id it read delivers everything, in order, once.
import type { Message } from '@parley/shared';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserDoc } from '../../src/db/documents';
import { createCaller } from '../../src/routers/app';
import type { Services } from '../../src/services';
import { createContextInner } from '../../src/trpc/context';
import { closeServices, newUser, testServices } from '../support/harness';

describe('a slow consumer', () => {
  let services: Services;
  let user: UserDoc;

  beforeAll(async () => {
    services = await testServices({ LIVE_BUFFER_SIZE: '20' });
    user = (await newUser(services)).user;
  });
  afterAll(async () => {
    await closeServices(services);
  });

  it('overflows a bounded buffer, ends its stream, and resumes from its last id', async () => {
    const ac = new AbortController();
    const caller = createCaller(createContextInner({ services, user }), { signal: ac.signal });
    const session = await caller.session.create({ title: 'firehose' });
    const stream = (await caller.message.onNew({ sessionId: session.id }))[Symbol.asyncIterator]();
    const first = stream.next();
    while (services.bus.listenerCount() === 0) await new Promise((r) => setTimeout(r, 1));
    await caller.message.send({ sessionId: session.id, content: 'm1' });
    const [lastId] = (await first).value as unknown as [string, Message];
    expect(lastId).toBe('1');

    // The consumer stops reading while 100 more arrive: 100 > the buffer of 20.
    for (let i = 2; i <= 101; i++)
      await caller.message.send({ sessionId: session.id, content: `m${i}` });
    const ended = await stream.next().catch((e: unknown) => e);
    expect(ended).toBeInstanceOf(TRPCError);
    expect((ended as TRPCError).code).toBe('SERVICE_UNAVAILABLE');
    expect(services.bus.listenerCount()).toBe(0);

    const resumed = await caller.message.onNew({ sessionId: session.id, lastEventId: lastId });
    const seqs: number[] = [];
    for await (const event of resumed) {
      seqs.push((event as unknown as [string, Message])[1].seq);
      if (seqs.length === 100) break;
    }
    expect(seqs).toEqual(Array.from({ length: 100 }, (_, i) => i + 2));
    expect(services.bus.listenerCount()).toBe(0);
  });
});
