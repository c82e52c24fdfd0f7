// Two Parley servers over one database and one Redis: what is sent, renamed or
// deleted through B shows in the next search on A, whose index was loaded
// before the change.
import { describe, expect, it } from 'vitest';
import type { Client } from '../realtime/support';
import { redisFor, withTwoServers } from '../realtime/twoServers';

const redis = await redisFor('cross-process search tests');
const skipReason = redis.skipReason;

describe.skipIf(skipReason !== null)('search across two server processes', () => {
  let onA: Client;
  let onB: Client;

  withTwoServers(
    redis,
    () => ({}),
    (s) => {
      ({ onA, onB } = s);
    },
  );

  const onAFinds = async (q: string) =>
    (await onA.search.query.query({ q })).items.map((h) => h.message?.content ?? h.snippet);

  it('a message sent through B is found by the next search on A', async () => {
    const s = await onB.session.create.mutate({ title: 'Across' });
    await onB.message.send.mutate({ sessionId: s.id, content: 'first kangaroo' });
    expect(await onAFinds('kangaroo')).toEqual(['first kangaroo']);
    for (let i = 1; i <= 3; i++) {
      await onB.message.send.mutate({ sessionId: s.id, content: `wombat number ${i}` });
      expect((await onAFinds('wombat')).sort()).toEqual(
        Array.from({ length: i }, (_, k) => `wombat number ${k + 1}`),
      );
    }
  });

  it('a rename and a delete through B show in the next search on A', async () => {
    const s = await onB.session.create.mutate({ title: 'Platypus' });
    await onB.message.send.mutate({ sessionId: s.id, content: 'echidna facts' });
    expect(await onAFinds('platypus')).toEqual(['Platypus']);
    await onB.session.rename.mutate({ id: s.id, title: 'Monotremes' });
    expect(await onAFinds('platypus')).toEqual([]);
    expect(await onAFinds('monotremes')).toEqual(['Monotremes']);
    await onB.session.delete.mutate({ id: s.id });
    expect(await onAFinds('echidna')).toEqual([]);
  });
});
