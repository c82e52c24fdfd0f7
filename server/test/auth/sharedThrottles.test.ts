// Two server processes behind one Redis share their sign-in and sign-up limits: a
// client that spreads its guesses over both gets no more than it would from one.
import { describe, expect, it } from 'vitest';
import type { Services } from '../../src/services';
import { redisFor, withTwoServers } from '../realtime/twoServers';
import { mutate } from '../support/http';

const redis = await redisFor('shared throttle tests');

describe.skipIf(redis.skipReason !== null)('throttles across two server processes', () => {
  let urls: [string, string] = ['', ''];
  let both: Services[] = [];
  withTwoServers(
    redis,
    // The defaults (the test harness raises the sign-up limit for its many users).
    () => ({ env: { REGISTER_PER_ADDRESS: '5', LOGIN_PER_USERNAME_AND_ADDRESS: '5' } }),
    (s) => {
      urls = [s.a.url, s.b.url];
      both = [s.a.services, s.b.services];
    },
  );

  /** Until `check` holds, within a few seconds: the other process hears of it over Redis. */
  const eventually = async (check: () => Promise<boolean>) => {
    for (let i = 0; i < 100; i++) {
      if (await check()) return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return false;
  };

  it('refuses a sixth wrong password for one name on either process', async () => {
    const login = (i: number) =>
      mutate(urls[i % 2] as string, 'auth.login', {
        username: 'shared_guesses',
        password: 'a wrong password',
      });
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await login(i)).status);
    expect(codes).toEqual([401, 401, 401, 401, 401]);
    // Each process saw two or three of them itself: the others come over Redis.
    const heard = () => both.every((s) => s.throttle.failuresOf('shared_guesses') === 5);
    expect(await eventually(async () => heard())).toBe(true);
    for (const i of [0, 1]) expect((await login(i)).status).toBe(429);
  });

  it('counts sign-ups from one address on both processes', async () => {
    const signUp = (i: number) =>
      mutate(urls[i % 2] as string, 'auth.register', {
        username: `shared_signup_${i}_${Date.now()}`,
        password: 'a good long password',
      });
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await signUp(i)).status);
    expect(codes).toEqual([200, 200, 200, 200, 200]);
    const heard = () => both.every((s) => s.registrations.counted() === 5);
    expect(await eventually(async () => heard())).toBe(true);
    for (const i of [0, 1]) expect((await signUp(10 + i)).status).toBe(429);
  });
});
