// Behind a trusted proxy the client's address is the one that proxy saw, the
// rightmost X-Forwarded-For entry: whatever a client writes to the left of it is
// its own claim and must not buy it a fresh per-address budget.
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import { loadConfig } from '../../src/config/env';
import { clientAddress } from '../../src/http/requestInfo';
import { startTestServer } from '../support/harness';
import { mutate } from '../support/http';

const perAddress = 6;
let parley: Parley;
beforeAll(async () => {
  parley = await startTestServer({ TRUST_PROXY: 'true' }, (c) => {
    c.loginThrottle = { ...c.loginThrottle, perAddress };
  });
});
afterAll(() => parley.stop());

function request(forwarded: string | undefined, remote = '10.0.0.1'): IncomingMessage {
  const headers = forwarded === undefined ? {} : { 'x-forwarded-for': forwarded };
  return { headers, socket: { remoteAddress: remote } } as unknown as IncomingMessage;
}

describe('the client address behind a proxy', () => {
  it('takes the entry the trusted proxies saw, counting hops from the right', () => {
    const chain = '6.6.6.6, 198.51.100.9, 10.0.0.7';
    expect(clientAddress(request(chain), 1)).toBe('10.0.0.7');
    expect(clientAddress(request(chain), 2)).toBe('198.51.100.9');
    expect(clientAddress(request(chain), 0)).toBe('10.0.0.1');
    // A chain shorter than the hops configured: the farthest entry there is.
    expect(clientAddress(request('198.51.100.9'), 3)).toBe('198.51.100.9');
    expect(clientAddress(request(undefined), 1)).toBe('10.0.0.1');
    expect(clientAddress(request(' , '), 1)).toBe('10.0.0.1');
  });

  it('reads TRUST_PROXY as a hop count, with true meaning one proxy', () => {
    const hops = (v: string) =>
      loadConfig({ TRUST_PROXY: v, JWT_SECRET: 'x'.repeat(32) }).trustProxy;
    expect(hops('true')).toBe(1);
    expect(hops('false')).toBe(0);
    expect(hops('2')).toBe(2);
    expect(() => hops('-1')).toThrow(/TRUST_PROXY/);
  });

  it('keeps the per-address login limit when the leftmost entry rotates', async () => {
    const codes: number[] = [];
    for (let i = 0; i < perAddress + 4; i++) {
      const res = await mutate(
        parley.url,
        'auth.login',
        { username: `nobody${i}`, password: 'a wrong password' },
        { 'x-forwarded-for': `203.0.113.${i}, 198.51.100.20` },
      );
      codes.push(res.status);
    }
    expect(codes.slice(0, perAddress)).toEqual(Array(perAddress).fill(401));
    expect(codes.slice(perAddress)).toEqual(Array(4).fill(429));
    // Another client behind the same proxy has its own budget.
    const other = await mutate(
      parley.url,
      'auth.login',
      { username: 'nobody', password: 'a wrong password' },
      { 'x-forwarded-for': '198.51.100.21' },
    );
    expect(other.status).toBe(401);
  });
});
