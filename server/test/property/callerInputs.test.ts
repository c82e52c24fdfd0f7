// Arbitrary JSON into every procedure through the router (createCaller): only
// success or a proper client error (BAD_REQUEST, NOT_FOUND, ...), never an
// INTERNAL_SERVER_ERROR, and nothing another user owns ever changes.
import { it } from '@fast-check/vitest';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { UserDoc } from '../../src/db/documents';
import type { Services } from '../../src/services';
import { callerFor, closeServices, newUser, testServices } from '../support/harness';
import { allowedCodes, inputs, ownedBy, procedures } from './support';

let services: Services;
let me: UserDoc;
let them: UserDoc;
const ids = { theirs: [] as string[], mine: [] as string[] };

beforeAll(async () => {
  services = await testServices();
  const other = await newUser(services, 'property_owner');
  them = other.user;
  for (let i = 0; i < 2; i++) {
    const s = await other.caller.session.create({ title: `theirs ${i}` });
    ids.theirs.push(s.id);
    const m = await other.caller.message.send({ sessionId: s.id, content: `hello ${i}` });
    ids.theirs.push(m.id);
  }
  await other.caller.session.delete({ id: ids.theirs[2] as string });
  const mine = await newUser(services, 'property_caller');
  me = mine.user;
  const s = await mine.caller.session.create({ title: 'mine' });
  ids.mine.push(s.id);
});
afterAll(() => closeServices(services));

type Call = (input: unknown) => Promise<unknown>;

function callerPath(path: string): Call {
  let target: unknown = callerFor(services, me);
  for (const part of path.split('.')) target = (target as Record<string, unknown>)[part];
  return target as Call;
}

describe.each(procedures())('$path ($type) with arbitrary input', ({ path, type }) => {
  it.prop([inputs(ids)], { numRuns: 40 })(
    'answers success or a client error only',
    async (input) => {
      const before = await ownedBy(services.db, them._id);
      try {
        const result = await callerPath(path)(input);
        if (type === 'subscription') {
          const iterator = (result as AsyncIterable<unknown>)[Symbol.asyncIterator]();
          await iterator.return?.();
        }
      } catch (e) {
        expect(e).toBeInstanceOf(TRPCError);
        const code = (e as TRPCError).code;
        expect(
          allowedCodes.has(code),
          `${path}(${JSON.stringify(input)}) -> ${code}: ${(e as Error).message}`,
        ).toBe(true);
      }
      expect(await ownedBy(services.db, them._id)).toBe(before);
    },
  );
});

it('covers every procedure', () => {
  expect(procedures().map((p) => p.path)).toEqual(
    expect.arrayContaining(['auth.login', 'session.rename', 'message.send', 'message.onNew']),
  );
});
