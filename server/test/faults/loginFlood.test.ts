// A login flood (about 100 wrong logins a second from one address): a logged-in
// user's session.list keeps answering, and once the address is throttled the
// refusals come back quickly without running bcrypt (figures printed).
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import { startTestServer } from '../support/harness';
import { newSession, type Outcome, p, signUp, trpcCall } from './support/trpc';

let parley: Parley;
let token: string;
let bcryptRuns = 0;

beforeAll(async () => {
  // A real cost, so a login that reaches bcrypt is visibly slower than one refused before it.
  parley = await startTestServer({ BCRYPT_COST: '10' });
  token = await signUp(parley.url, 'flood_bystander');
  await newSession(parley.url, token);
  const { passwords } = parley.services;
  const verify = passwords.verify.bind(passwords);
  passwords.verify = (...args: Parameters<typeof verify>) => {
    bcryptRuns++;
    return verify(...args);
  };
});
afterAll(() => parley.stop());

async function listLoop(until: () => boolean): Promise<number[]> {
  const ms: number[] = [];
  while (!until()) {
    const out = await trpcCall(parley.url, 'query', 'session.list', { limit: 20 }, token);
    expect(out.ok, JSON.stringify(out)).toBe(true);
    ms.push(out.ms);
    await sleep(20);
  }
  return ms.sort((a, b) => a - b);
}

describe('a login flood', () => {
  it('leaves other users served and is throttled before bcrypt', async () => {
    let stop = false;
    const idleTimer = sleep(1_500).then(() => {
      stop = true;
    });
    const idle = await listLoop(() => stop);
    await idleTimer;

    stop = false;
    const attempts: Promise<Outcome>[] = [];
    const flood = (async () => {
      for (let i = 0; i < 300; i++) {
        const username = i % 3 === 0 ? 'flood_bystander' : `nobody_${i}`;
        attempts.push(
          trpcCall(parley.url, 'mutation', 'auth.login', { username, password: `wrong pass ${i}` }),
        );
        await sleep(10);
      }
      await Promise.all(attempts);
      stop = true;
    })();
    const during = await listLoop(() => stop);
    await flood;
    const outcomes = await Promise.all(attempts);

    const throttled = outcomes.filter((o) => o.code === 'TOO_MANY_REQUESTS').map((o) => o.ms);
    const rejected = outcomes.filter((o) => o.code === 'UNAUTHORIZED').map((o) => o.ms);
    throttled.sort((a, b) => a - b);
    rejected.sort((a, b) => a - b);
    console.log(
      `login flood: ${outcomes.length} wrong logins, ${rejected.length} checked by bcrypt (p50 ${p(rejected, 0.5).toFixed(1)} ms), ` +
        `${throttled.length} throttled (p50 ${p(throttled, 0.5).toFixed(1)} ms, p99 ${p(throttled, 0.99).toFixed(1)} ms), ${bcryptRuns} bcrypt runs; ` +
        `session.list p99 idle ${p(idle, 0.99).toFixed(1)} ms, during the flood ${p(during, 0.99).toFixed(1)} ms (${(p(during, 0.99) / p(idle, 0.99)).toFixed(2)}x)`,
    );
    // Only the two expected answers, never a 500.
    expect(rejected.length + throttled.length).toBe(outcomes.length);
    // The address's budget of failures (30 per window) is all bcrypt ever sees.
    expect(bcryptRuns).toBeLessThanOrEqual(parley.services.config.loginThrottle.perAddress);
    expect(throttled.length).toBeGreaterThanOrEqual(outcomes.length - bcryptRuns);
    // Every bystander call during the flood was answered (listLoop checks each); how fast
    // is printed above, not asserted, so a loaded machine cannot fail it.
    expect(during.length).toBeGreaterThan(0);
    // The bystander's session is untouched by the flood aimed at its name.
    const me = await trpcCall(parley.url, 'query', 'auth.me', undefined, token);
    expect(me.ok).toBe(true);
  });
});
