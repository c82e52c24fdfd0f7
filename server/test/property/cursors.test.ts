// Hostile values in every field of every cursor, through the router: huge,
// negative, fractional and -0 numbers, numbers as text, null, arrays, objects,
// booleans, a missing field. Each is BAD_REQUEST, answered without hanging,
// and the lists still answer afterwards.
import { fc, it } from '@fast-check/vitest';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Services } from '../../src/services';
import { closeServices, newUser, testServices } from '../support/harness';

let services: Services;
let caller: Awaited<ReturnType<typeof newUser>>['caller'];
let sessionId: string;
let sessionCursor: Record<string, unknown>;
let messageCursor: Record<string, unknown>;
const messageCount = 5;

const decode = (c: string) => JSON.parse(Buffer.from(c, 'base64url').toString('utf8'));
/** Cursor text for `v`, writing -0 as `-0` (JSON.stringify writes 0). */
const encode = (v: unknown) =>
  Buffer.from(
    JSON.stringify(v, (_k, x) => (Object.is(x, -0) ? '\u0000-0' : x)).replaceAll(
      '"\\u0000-0"',
      '-0',
    ),
  ).toString('base64url');

beforeAll(async () => {
  services = await testServices();
  ({ caller } = await newUser(services, 'cursor_prober'));
  for (let i = 0; i < 3; i++) await caller.session.create({ title: `s${i}` });
  const sessions = await caller.session.list({ limit: 1 });
  sessionCursor = decode(sessions.nextCursor ?? '');
  sessionId = (sessions.items[0]?.id ?? '') as string;
  for (let i = 0; i < messageCount; i++) await caller.message.send({ sessionId, content: `m${i}` });
  const messages = await caller.message.list({ sessionId, limit: 2 });
  messageCursor = decode(messages.nextCursor ?? '');
});
afterAll(() => closeServices(services));

/** Values that are not a number at all: text (numbers and NaN as text too), null, structures. */
const notANumber = fc.oneof(
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e300', '1', '', null, true, false, [], {}),
  fc.string(),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string(), fc.integer(), { maxKeys: 2 }),
);
/** Numbers no cursor field holds: fractions, -0, beyond safe integers. */
const badNumber = fc.oneof(
  fc.constantFrom(1e300, -1e300, Number.MAX_VALUE, 2 ** 53, -(2 ** 53), -0, 0.5, 1.5),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Number.isInteger(x)),
  fc.integer({ min: 2 ** 53, max: Number.MAX_SAFE_INTEGER * 4 }).map((x) => x * 3),
  // Integers so large that adding one no longer changes them.
  fc.double({ min: 1e17, max: Number.MAX_VALUE, noNaN: true }),
);
/** The values of the issue, tried first for every field. */
const examples: [unknown][] = [[1e300], [-1], [1.5], [-0], ['NaN'], [null], [[]], [{}], [true]];
const notAnInt = fc.oneof(notANumber, badNumber);
const notAnId = fc.oneof(
  notANumber.filter((v) => typeof v !== 'string' || !/^[0-9a-f]{24}$/.test(v)),
  fc.integer(),
  fc.constantFrom('0'.repeat(23), 'A'.repeat(24), `${'0'.repeat(24)} `),
);
const missing = fc.constant(undefined);

/** Per cursor field, values that must be refused. */
const sessionFields = {
  u: fc.oneof(notAnId, fc.constant('0'.repeat(24)), missing),
  // The view: 0 (active) is the only one this list accepts.
  v: fc.oneof(
    notAnInt,
    fc.integer({ min: -(2 ** 52), max: -1 }),
    fc.constantFrom(1, 2, 3),
    missing,
  ),
  // The folder scope: '*' (any) is the only one this list accepts.
  f: fc.oneof(
    notANumber.filter((v) => v !== '*'),
    fc.constantFrom('-', '0'.repeat(24), '*'.repeat(65), `${'0'.repeat(24)}\n`),
    missing,
  ),
  p: fc.oneof(
    notANumber.filter((v) => typeof v !== 'boolean'),
    fc.constantFrom(0, 1),
    missing,
  ),
  // The activity time: any a Date holds, before 1970 too (older data has such times).
  a: fc.oneof(notAnInt, fc.constantFrom(-8_640_000_000_000_001, 8_640_000_000_000_001), missing),
  i: fc.oneof(notAnId, missing),
};
const messageFields = {
  s: fc.oneof(notAnId, fc.constant('0'.repeat(24)), missing),
  b: fc.oneof(
    notAnInt,
    fc.integer({ min: -(2 ** 52), max: 0 }),
    // Beyond the session's count + 1: refused once the session is read.
    fc.integer({ min: messageCount + 2, max: Number.MAX_SAFE_INTEGER }),
    missing,
  ),
};

async function expectBadRequest(call: () => Promise<unknown>, what: string) {
  const error = await call().then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, what).toBeInstanceOf(TRPCError);
  expect((error as TRPCError).code, `${what}: ${(error as Error).message}`).toBe('BAD_REQUEST');
}

const withField = (base: Record<string, unknown>, key: string, value: unknown) => {
  const out = { ...base };
  if (value === undefined) delete out[key];
  else out[key] = value;
  return encode(out);
};

describe.each(Object.entries(sessionFields))('session.list cursor field %s', (key, values) => {
  // p holds a boolean: true is a place in the pinned part, not a hostile value; and
  // a may hold -1, a time in 1969.
  const tried = examples.filter(
    ([x]) => !(key === 'p' && x === true) && !(key === 'a' && x === -1),
  );
  it.prop([values], { numRuns: 60, examples: tried })(
    'refuses a hostile value with BAD_REQUEST',
    async (v) => {
      const cursor = withField(sessionCursor, key, v);
      await expectBadRequest(() => caller.session.list({ cursor }), `${key}=${JSON.stringify(v)}`);
    },
  );
});

describe.each(Object.entries(messageFields))('message.list cursor field %s', (key, values) => {
  it.prop([values], { numRuns: 60, examples })(
    'refuses a hostile value with BAD_REQUEST',
    async (v) => {
      const cursor = withField(messageCursor, key, v);
      await expectBadRequest(
        () => caller.message.list({ sessionId, cursor }),
        `${key}=${JSON.stringify(v)}`,
      );
    },
  );
});

describe('a cursor that is not an object', () => {
  it.prop(
    [
      fc.oneof(
        fc.jsonValue().filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)),
        fc.constant([messageCursor]),
      ),
    ],
    {
      numRuns: 40,
    },
  )('is BAD_REQUEST for both lists', async (v) => {
    const cursor = encode(v);
    await expectBadRequest(() => caller.session.list({ cursor }), JSON.stringify(v));
    await expectBadRequest(() => caller.message.list({ sessionId, cursor }), JSON.stringify(v));
  });
});

describe('after all that', () => {
  it('the lists still answer, and their own cursors still work', async () => {
    const sessions = await caller.session.list({ cursor: encode(sessionCursor) });
    expect(sessions.items.length).toBe(2);
    const messages = await caller.message.list({ sessionId, cursor: encode(messageCursor) });
    expect(messages.items.map((m) => m.content)).toEqual(['m0', 'm1', 'm2']);
  });
});
