// Documents of every shape the old service (or its bug) could have left, written
// straight into the collections, then every session and message procedure and REST
// route called on them: a proper answer or a client error, never a 500.
import { fc, it } from '@fast-check/vitest';
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Parley } from '../../src/app';
import { createUser } from '../../src/auth/users';
import type { UserDoc } from '../../src/db/documents';
import { loginToken, rest } from '../rest/support';
import { callerFor, codeOf, startTestServer } from '../support/harness';
import { allowedCodes } from './support';

let parley: Parley;
let owner: UserDoc;
let token: string;

beforeAll(async () => {
  parley = await startTestServer();
  owner = await createUser(
    parley.services.db,
    parley.services.passwords,
    'damaged',
    'damaged-pass',
  );
  token = await loginToken(parley.url, 'damaged', 'damaged-pass');
});
afterAll(() => parley.stop());

const date = fc.oneof(
  fc.date({ min: new Date('2000-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }),
  fc.constantFrom(undefined, null, '2025-01-01T00:00:00Z', 0),
);
/** The owner's reference as the old service may have stored it; made once the owner exists. */
const ownerRef = () => fc.constantFrom<unknown>('oid', 'hex', '', undefined, null, 42);
const ownerAs = (v: unknown) =>
  v === 'oid' ? owner._id : v === 'hex' ? owner._id.toHexString() : v;
const maybe = <T>(a: fc.Arbitrary<T>) => fc.oneof(a, fc.constantFrom(undefined, null));

const sessionDoc = () =>
  fc.record({
    user_id: ownerRef(),
    title: maybe(fc.oneof(fc.string(), fc.constant(''), fc.integer())),
    message_count: maybe(fc.oneof(fc.integer({ min: -5, max: 60 }), fc.constant('3'))),
    last_message_at: date,
    created_at: date,
    updated_at: date,
    deleted: fc.constantFrom<unknown>(true, false, undefined, 'false', null),
    deleted_at: date,
  });

const messageDoc = () =>
  fc.record({
    session_id: fc.constantFrom('oid', 'hex'),
    user_id: ownerRef(),
    content: maybe(fc.oneof(fc.string(), fc.integer())),
    role: fc.constantFrom<unknown>('user', 'assistant', 'system', 'robot', undefined),
    created_at: date,
    updated_at: date,
    deleted: fc.constantFrom<unknown>(true, false, undefined),
    seq: fc.constantFrom<unknown>(undefined, 1, 2, 7, '1'),
  });

/** Drops the keys whose generated value is undefined: a field the document lacks. */
const stored = (doc: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries({ ...doc, user_id: ownerAs(doc.user_id) }).filter(([, v]) => v !== undefined),
  );
const answers = [...allowedCodes, 'OK'];

describe('damaged documents', () => {
  it.prop(
    [
      sessionDoc(),
      fc.array(messageDoc(), { minLength: 0, maxLength: 6 }),
      fc.constantFrom<unknown>('ObjectId', ''),
    ],
    { numRuns: 40 },
  )('never make a procedure or a REST route answer 500', async (session, messages, idKind) => {
    const raw = parley.services.db.db;
    const id = new ObjectId();
    await raw
      .collection('chat_sessions')
      .insertOne(stored({ ...session, _id: idKind === '' ? '' : id }) as never);
    if (messages.length > 0) {
      const ref = (v: string) => (v === 'oid' ? id : id.toHexString());
      await raw
        .collection('messages')
        .insertMany(
          messages.map((m) => stored({ ...m, session_id: ref(m.session_id) })) as never[],
        );
    }
    const caller = callerFor(parley.services, owner);
    const sid = id.toHexString();
    const calls: Array<() => Promise<unknown>> = [
      () => caller.session.list({}),
      () => caller.session.list({ deleted: true }),
      () => caller.session.get({ id: sid }),
      () => caller.message.list({ sessionId: sid }),
      () => caller.message.send({ sessionId: sid, content: 'hello' }),
      () => caller.session.rename({ id: sid, title: 'Renamed' }),
      () => caller.session.delete({ id: sid }),
      () => caller.session.restore({ id: sid }),
      () => caller.message.list({ sessionId: sid, limit: 2 }),
    ];
    for (const call of calls) expect(answers, call.toString()).toContain(await codeOf(call()));
    for (const path of [
      '/chat/sessions',
      `/chat/sessions/${sid}`,
      `/chat/sessions/${sid}/messages`,
    ]) {
      const res = await rest(parley.url, 'GET', path, { token });
      expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBeLessThan(500);
    }
    await raw.collection('chat_sessions').deleteOne({ _id: idKind === '' ? '' : id } as never);
  });
});
