// One user's pages of messages are read a few at a time (chat/pageReads.ts): 20
// pages asked for at once (a GET batch carries up to 50) never put more than
// pagesAtOnce pages' reads on the database together, and all 50 are answered.
// Past two batches waiting, more are refused as TOO_MANY_REQUESTS, changing nothing.
import type { CommandStartedEvent } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pagesAtOnce } from '../../src/chat/pageReads';
import { codeOf, newUser } from '../support/harness';
import { type Monitored, monitoredServices } from '../support/monitored';

let m: Monitored;
beforeAll(async () => {
  m = await monitoredServices();
});
afterAll(async () => {
  await m.client.close();
});

/** The most bucket reads in flight at once while `work` runs. */
async function mostBucketReads(work: () => Promise<unknown>): Promise<number> {
  const open = new Set<number>();
  let most = 0;
  const started = (e: CommandStartedEvent) => {
    if (e.commandName === 'find' && e.command.find === 'message_buckets') {
      open.add(e.requestId);
      most = Math.max(most, open.size);
    }
  };
  const ended = (e: { requestId: number }) => open.delete(e.requestId);
  m.client.on('commandStarted', started);
  m.client.on('commandSucceeded', ended);
  m.client.on('commandFailed', ended);
  try {
    await work();
  } finally {
    m.client.off('commandStarted', started);
    m.client.off('commandSucceeded', ended);
    m.client.off('commandFailed', ended);
  }
  return most;
}

describe('pages of messages asked for at once', () => {
  it('are read a few at a time, and every one is answered', async () => {
    const { caller } = await newUser(m.services);
    const session = await caller.session.create({ title: 'many pages' });
    // Long messages, so that each read takes long enough for reads to pile up.
    for (let i = 1; i <= 120; i++) {
      await caller.message.send({
        sessionId: session.id,
        content: `${i} ${'long '.repeat(4_000)}`,
      });
    }
    // Each page spans up to 3 buckets (a limit of 100 around a seq), read together, and
    // read again when the guess made before the count was known proves wrong.
    // A warm pool, as a running server has: the driver's connections do not bound the reads.
    await Promise.all(Array.from({ length: 60 }, () => m.services.db.db.command({ ping: 1 })));
    const pages: Array<{ items: unknown[] }> = [];
    const most = await mostBucketReads(async () => {
      pages.push(
        ...(await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            caller.message.list({ sessionId: session.id, limit: 100, aroundSeq: 40 + i }),
          ),
        )),
      );
    });
    expect(pages).toHaveLength(20);
    for (const page of pages) expect(page.items.length).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(pagesAtOnce * 6);
    expect(m.services.pageReads.users).toBe(0);
  });

  it('past two batches waiting, refuses more at once', async () => {
    const { caller } = await newUser(m.services);
    const session = await caller.session.create({ title: 'too many pages' });
    await caller.message.send({ sessionId: session.id, content: 'only one' });
    const calls = Array.from({ length: 110 }, () =>
      codeOf(caller.message.list({ sessionId: session.id })),
    );
    const codes = await Promise.all(calls);
    expect(codes.filter((c) => c === 'OK')).toHaveLength(pagesAtOnce + 100);
    expect(codes.filter((c) => c === 'TOO_MANY_REQUESTS')).toHaveLength(110 - pagesAtOnce - 100);
    expect(await codeOf(caller.message.list({ sessionId: session.id }))).toBe('OK');
  });
});
