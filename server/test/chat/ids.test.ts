import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/db/ids';
import type { Services } from '../../src/services';
import { closeServices, newUser, testServices } from '../support/harness';

let services: Services;
beforeAll(async () => {
  services = await testServices();
});
afterAll(() => closeServices(services));

/** The 8 bytes after an id's timestamp: the driver's process-random part and counter. */
const tail = (id: string) => id.slice(8);

describe('ids others could probe for', () => {
  it('share nothing but their time: sessions and messages made back to back', async () => {
    const { caller } = await newUser(services);
    const sessions = [];
    for (let i = 0; i < 8; i++) sessions.push((await caller.session.create()).id);
    const first = sessions[0] ?? '';
    const messages = [];
    for (let i = 0; i < 8; i++)
      messages.push((await caller.message.send({ sessionId: first, content: `m${i}` })).id);
    for (const ids of [sessions, messages]) {
      // The driver's ids share a 5-byte process part and count up by one.
      const prefixes = new Set(ids.map((id) => tail(id).slice(0, 10)));
      expect(prefixes.size).toBe(ids.length);
      const counters = ids.map((id) => Number.parseInt(id.slice(18), 16));
      const steps = counters.slice(1).map((c, i) => c - (counters[i] ?? 0));
      expect(steps.every((s) => s === 1)).toBe(false);
    }
  });
});

describe('newId', () => {
  it('holds the nearest time it can for one before 1970 or after 2106, never a wrapped one', () => {
    const seconds = (ms: number) => newId(ms).getTimestamp().getTime() / 1000;
    expect(seconds(Date.UTC(1969, 5, 1))).toBe(0);
    expect(seconds(-1)).toBe(0);
    expect(seconds(Date.UTC(3000, 0, 1))).toBe(0xffff_ffff);
    expect(seconds(Number.NaN)).toBe(0);
    expect(seconds(Date.UTC(2023, 10, 14, 22, 13, 20, 999))).toBe(1_700_000_000);
  });
});
