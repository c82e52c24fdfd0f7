// A user stores at most SESSIONS_PER_USER sessions: one more is refused with a clear
// FORBIDDEN and stores nothing, also when many creates race, and on a user the old
// service wrote (no session index yet).
import type { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/env';
import type { Services } from '../../src/services';
import { callerFor, closeServices, failure, newUser, testServices } from '../support/harness';

let services: Services;
beforeAll(async () => {
  services = await testServices({ SESSIONS_PER_USER: '5' });
});
afterAll(() => closeServices(services));

const stored = (userId: ObjectId) => services.db.sessions.countDocuments({ user_id: userId });

describe('the sessions cap', () => {
  it('refuses the sixth session with a clear FORBIDDEN and stores nothing', async () => {
    const { user, caller } = await newUser(services);
    for (let i = 0; i < 5; i++) await caller.session.create({ title: `chat ${i}` });
    const refused = await failure(caller.session.create({ title: 'one too many' }));
    expect(refused?.code).toBe('FORBIDDEN');
    expect(refused?.message).toBe('You have reached the limit of 5 chats.');
    expect(await stored(user._id)).toBe(5);
    // Another user is not affected.
    const other = await newUser(services);
    await expect(other.caller.session.create({ title: 'mine' })).resolves.toBeTruthy();
  });

  it('20 creates at once store exactly 5', async () => {
    const { user, caller } = await newUser(services);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => failure(caller.session.create({ title: `race ${i}` }))),
    );
    expect(results.filter((r) => r === null)).toHaveLength(5);
    for (const r of results) if (r) expect(r.code).toBe('FORBIDDEN');
    expect(await stored(user._id)).toBe(5);
  });

  it('a user stored without a session index counts the sessions it has', async () => {
    const { user, caller } = await newUser(services);
    for (let i = 0; i < 3; i++) await caller.session.create({ title: `before ${i}` });
    // As the old service left it: no index, no mark that one was kept.
    await services.db.sessionIndex.deleteOne({ _id: user._id.toHexString() });
    await services.db.users.updateOne({ _id: user._id }, { $unset: { session_index: '' } });
    const { session_index: _, ...old } = user;
    const oldCaller = callerFor(services, old);
    for (let i = 0; i < 2; i++) await oldCaller.session.create({ title: `old ${i}` });
    expect((await failure(oldCaller.session.create({ title: 'sixth' })))?.code).toBe('FORBIDDEN');
    expect(await stored(user._id)).toBe(5);
  });

  it('SESSIONS_PER_USER and the stream caps are parsed and bounded', () => {
    const base = { NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(40), DATA_DIR: '/tmp/parley-cfg' };
    const c = loadConfig({
      ...base,
      SESSIONS_PER_USER: '7',
      LIVE_STREAMS_PER_USER: '3',
      LIVE_STREAMS_PER_PROCESS: '9',
    });
    expect([c.sessionsPerUser, c.live.streamsPerUser, c.live.streamsPerProcess]).toEqual([7, 3, 9]);
    const d = loadConfig(base);
    expect([d.sessionsPerUser, d.live.streamsPerUser, d.live.streamsPerProcess]).toEqual([
      10_000, 64, 10_000,
    ]);
    for (const bad of [
      { SESSIONS_PER_USER: '0' },
      { LIVE_STREAMS_PER_USER: '-1' },
      { LIVE_STREAMS_PER_PROCESS: '1.5' },
      { SESSIONS_PER_USER: 'lots' },
    ]) {
      expect(() => loadConfig({ ...base, ...bad })).toThrow(ConfigError);
    }
  });
});
