// What a repair of a chat's pages keeps: an edit or a delete that failed after the
// message was stored reaches the pages at the next read, even when its retry finds
// nothing left to do; and a rebuild keeps messages in their seqs' order, whatever
// their times say (an import's, a clock set back).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markDamaged } from '../../src/chat/damage';
import { toObjectId } from '../../src/db/ids';
import type { Services } from '../../src/services';
import { closeServices, newUser, testServices } from '../support/harness';

let services: Services;
beforeAll(async () => {
  services = await testServices();
});
afterAll(() => closeServices(services));

/** Makes the next bucket update fail, as a database that went away would. */
function failNextBucketUpdate(): void {
  const buckets = services.db.buckets;
  const real = buckets.updateOne.bind(buckets);
  buckets.updateOne = (async () => {
    buckets.updateOne = real;
    throw new Error('the database went away');
  }) as typeof buckets.updateOne;
}

describe('a chat repaired after a write failed half-way', () => {
  it('shows an edit, and a delete, whose page write failed, once retried', async () => {
    const { caller } = await newUser(services);
    const s = await caller.session.create({ title: 'half-way' });
    const edited = await caller.message.send({ sessionId: s.id, content: 'original' });
    const removed = await caller.message.send({ sessionId: s.id, content: 'to delete' });

    failNextBucketUpdate();
    await expect(caller.message.edit({ id: edited.id, content: 'changed' })).rejects.toThrow();
    await caller.message.edit({ id: edited.id, content: 'changed' });
    failNextBucketUpdate();
    await expect(caller.message.delete({ id: removed.id })).rejects.toThrow();
    await caller.message.delete({ id: removed.id });

    const page = await caller.message.list({ sessionId: s.id });
    expect(page.items.map((m) => m.content)).toEqual(['changed']);
  });

  it('keeps messages in seq order when their times are not', async () => {
    const { caller } = await newUser(services);
    const s = await caller.session.create({ title: 'out of time' });
    const sent = [];
    for (const content of ['first', 'second', 'third']) {
      sent.push(await caller.message.send({ sessionId: s.id, content }));
    }
    await services.db.messages.updateOne(
      { _id: toObjectId(sent[1]?.id ?? '') },
      { $set: { created_at: new Date('2001-01-01T00:00:00Z') } },
    );
    markDamaged(services, s.id);
    const page = await caller.message.list({ sessionId: s.id });
    expect(page.items.map((m) => [m.seq, m.content])).toEqual([
      [1, 'first'],
      [2, 'second'],
      [3, 'third'],
    ]);
  });
});
