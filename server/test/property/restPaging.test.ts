// Hostile `skip` and `limit` into both REST lists over real HTTP: huge, negative,
// fractional, NaN, exponents, text, repeated. Each is a 422 on that parameter in
// FastAPI's shape, never a 5xx or a hang; in-range integers answer 200.
import { fc, it } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Parley } from '../../src/app';
import { createUser } from '../../src/auth/users';
import { sessionSkipMax } from '../../src/http/rest/paging';
import { loginToken, rest } from '../rest/support';
import { startTestServer } from '../support/harness';

let parley: Parley;
let token: string;
let sessionId: string;
beforeAll(async () => {
  parley = await startTestServer();
  await createUser(parley.services.db, parley.services.passwords, 'pager', 'pagerpass123');
  token = await loginToken(parley.url, 'pager', 'pagerpass123');
  const s = await rest(parley.url, 'POST', '/chat/sessions', { token, json: { title: 'p' } });
  sessionId = (s.body as { _id: string })._id;
  for (let i = 0; i < 3; i++) {
    await rest(parley.url, 'POST', `/chat/sessions/${sessionId}/messages`, {
      token,
      json: { content: `m${i}` },
    });
  }
});
afterAll(() => parley.stop());

const hostile = fc.oneof(
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e300', '1e3', '1.5', '-1', '0x10', '+1'),
  fc.constantFrom('9'.repeat(400), `-${'9'.repeat(30)}`, '9007199254740993', 'null', '[]', '{}'),
  fc
    .double({ noNaN: true })
    .filter((x) => !Number.isInteger(x))
    .map(String),
  fc.integer({ max: -1 }).map(String),
  fc.string({ minLength: 1 }).filter((s) => !/^\s*-?\d+\s*$/.test(s)),
);

const lists = () => ({
  sessions: { path: '/chat/sessions', skipMax: sessionSkipMax },
  messages: { path: `/chat/sessions/${sessionId}/messages`, skipMax: Number.MAX_SAFE_INTEGER },
});

describe.each(['sessions', 'messages'] as const)('GET %s with hostile paging', (list) => {
  it.prop([fc.constantFrom('skip', 'limit'), hostile], { numRuns: 40 })(
    'is a 422 on that parameter',
    async (name, value) => {
      const { path } = lists()[list];
      const query = new URLSearchParams({ [name]: value }).toString();
      const res = await rest(parley.url, 'GET', `${path}?${query}`, { token });
      expect(res.status, `${name}=${value.slice(0, 40)}`).toBe(422);
      const detail = (res.body as { detail: { loc: string[] }[] }).detail;
      expect(detail.map((d) => d.loc)).toEqual([['query', name]]);
    },
  );

  it.prop(
    [
      fc.oneof(fc.nat({ max: 50 }), fc.constant(sessionSkipMax), fc.constant(sessionSkipMax + 1)),
      fc.integer({ min: 0, max: 101 }),
    ],
    { numRuns: 30 },
  )('answers 200 for skip and limit in range, else 422', async (skip, limit) => {
    const { path, skipMax } = lists()[list];
    const res = await rest(parley.url, 'GET', `${path}?skip=${skip}&limit=${limit}`, { token });
    const inRange = skip <= skipMax && limit >= 1 && limit <= 100;
    expect(res.status, `skip=${skip} limit=${limit}`).toBe(inRange ? 200 : 422);
  });
});

describe('after all that', () => {
  it('the server still answers', async () => {
    expect((await fetch(`${parley.url}/healthz`)).status).toBe(200);
    const res = await rest(parley.url, 'GET', `/chat/sessions/${sessionId}/messages?skip=1`, {
      token,
    });
    expect((res.body as { content: string }[]).map((m) => m.content)).toEqual(['m1', 'm2']);
  });
});
