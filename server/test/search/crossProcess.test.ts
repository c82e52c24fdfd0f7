// Two Parley servers over one database and one Redis: what is sent, renamed or
// deleted through B shows in the next search on A, whose index was loaded
// before the change.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import { type Client, clientFor, findRedis, tokenFor } from '../realtime/support';
import { freshDbName, newUser, startTestServer } from '../support/harness';

const redis = await findRedis();
const skipReason = 'reason' in redis ? redis.reason : null;
if (skipReason) console.warn(`SKIPPED: cross-process search tests need Redis: ${skipReason}`);

describe.skipIf(skipReason !== null)('search across two server processes', () => {
  let a: Parley;
  let b: Parley;
  let onA: Client;
  let onB: Client;

  beforeAll(async () => {
    const env = {
      MONGODB_DB: freshDbName(),
      REDIS_URL: 'url' in redis ? redis.url : '',
      REDIS_PREFIX: `parley-test-${randomBytes(4).toString('hex')}:`,
    };
    a = await startTestServer(env);
    b = await startTestServer(env);
    const { user } = await newUser(a.services);
    const token = tokenFor(a.services, user);
    onA = clientFor(a.url, token);
    onB = clientFor(b.url, token);
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    if ('stop' in redis) await redis.stop();
  });

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
