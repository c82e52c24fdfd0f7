// Events can arrive out of order (several processes, concurrent sends): a message
// stream never skips or repeats a seq. It fills a gap from the read model, and when a
// message is numbered but not stored yet (another process is mid-write) it waits for it.
import type { Message } from '@parley/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendMessage } from '../../src/chat/messages';
import { bucketId, decodeEntry } from '../../src/chat/readModel';
import type { UserDoc } from '../../src/db/documents';
import { toObjectId } from '../../src/db/ids';
import { InProcessBus } from '../../src/realtime/bus';
import { sessionChannel } from '../../src/realtime/channels';
import { createCaller } from '../../src/routers/app';
import { createServices, type Services } from '../../src/services';
import { createContextInner } from '../../src/trpc/context';
import { closeServices, newUser, testServices } from '../support/harness';
import { sleep } from './support';

describe('a message stream given events out of order', () => {
  let services: Services;
  /** Writes to the same database on a bus of its own, so each test decides what is published. */
  let quiet: Services;
  let user: UserDoc;

  beforeAll(async () => {
    services = await testServices();
    quiet = createServices(services.config, services.db, new InProcessBus());
    user = (await newUser(services)).user;
  });
  afterAll(async () => {
    await closeServices(services);
  });

  /** Opens message.onNew; `take(n)` reads the next n seqs (the first call starts the stream). */
  async function watch(sessionId: string) {
    const ac = new AbortController();
    const caller = createCaller(createContextInner({ services, user }), { signal: ac.signal });
    const stream = (await caller.message.onNew({ sessionId }))[Symbol.asyncIterator]();
    return {
      take: async (n: number) => {
        const seqs: number[] = [];
        for (let i = 0; i < n; i++) {
          seqs.push(((await stream.next()).value as unknown as [string, Message])[1].seq);
        }
        return seqs;
      },
      close: async () => {
        ac.abort();
        await stream.next().catch(() => {});
      },
    };
  }

  const untilListening = async () => {
    while (services.bus.listenerCount() === 0) await sleep(1);
  };
  const send = (sessionId: string, content: string) =>
    sendMessage(quiet, user, { sessionId, content });
  const publish = (m: Message) => services.bus.publish(sessionChannel(m.sessionId), m);

  it('fills a gap from the read model and delivers each seq once, in order', async () => {
    const session = await createCaller(createContextInner({ services, user })).session.create({
      title: 'gaps',
    });
    const stream = await watch(session.id);
    const firstThree = stream.take(3);
    await untilListening();
    const [m1, m2, m3] = [
      await send(session.id, 'one'),
      await send(session.id, 'two'),
      await send(session.id, 'three'),
    ];
    if (!m1 || !m2 || !m3) throw new Error('not sent');
    await publish(m3); // 1 and 2 were never announced
    expect(await firstThree).toEqual([1, 2, 3]);

    const m4 = await send(session.id, 'four');
    await publish(m2); // late and stale
    await publish(m4);
    await publish(m3);
    expect(await stream.take(1)).toEqual([4]);
    await stream.close();
    expect(services.bus.listenerCount()).toBe(0);
  });

  it('waits for a message that is numbered but not stored yet, then delivers both in order', async () => {
    const session = await createCaller(createContextInner({ services, user })).session.create({
      title: 'in flight',
    });
    const stream = await watch(session.id);
    const firstTwo = stream.take(2);
    let settled = false;
    void firstTwo.then(() => {
      settled = true;
    });
    await untilListening();
    await send(session.id, 'one');
    const m2 = await send(session.id, 'two');

    // Make message 1 look mid-write in another process: numbered, not yet in its bucket.
    const bucket = { _id: bucketId(toObjectId(session.id), 0) };
    const full = await services.db.buckets.findOne(bucket);
    if (!full) throw new Error('no bucket');
    await services.db.buckets.replaceOne(bucket, {
      ...full,
      messages: full.messages.filter((e) => decodeEntry(e)?.seq !== 1),
    });
    await publish(m2);
    await sleep(400);
    expect(settled).toBe(false); // message 2 is held back: delivering it would skip 1

    await services.db.buckets.replaceOne(bucket, full); // the other process's write lands
    expect(await firstTwo).toEqual([1, 2]);
    await stream.close();
    expect(services.bus.listenerCount()).toBe(0);
  });

  it('repairs the read model once a missing message stays missing, rather than stalling', async () => {
    const session = await createCaller(createContextInner({ services, user })).session.create({
      title: 'broken bucket',
    });
    const stream = await watch(session.id);
    const firstTwo = stream.take(2);
    await untilListening();
    await send(session.id, 'one');
    const m2 = await send(session.id, 'two');
    // A bucket that lost an entry for good (a write that failed half-way).
    const bucket = { _id: bucketId(toObjectId(session.id), 0) };
    await services.db.buckets.updateOne(bucket, { $set: { messages: [] } });
    await publish(m2);
    const started = Date.now();
    expect(await firstTwo).toEqual([1, 2]);
    expect(Date.now() - started).toBeGreaterThan(4_000); // it waited for a writer first
    await stream.close();
  });
});
