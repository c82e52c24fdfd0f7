// What the property tests share: inputs that are arbitrary JSON or near-miss
// shapes of the real inputs (with other people's ids in them), the procedures to
// aim at, the answers allowed, and a snapshot of what the caller does not own.
import { fc } from '@fast-check/vitest';
import { ObjectId } from 'mongodb';
import type { Database } from '../../src/db/database';
import { appRouter } from '../../src/routers/app';

/** A refusal is the only failure arbitrary input may cause: never a server fault. */
export { refusalCodes as allowedCodes } from '@parley/shared';

export interface Procedure {
  path: string;
  type: 'query' | 'mutation' | 'subscription';
}

export function procedures(): Procedure[] {
  const record = appRouter._def.procedures as unknown as Record<
    string,
    { _def: { type: Procedure['type'] } }
  >;
  return Object.entries(record).map(([path, proc]) => ({ path, type: proc._def.type }));
}

/** Arbitrary JSON, and the real inputs' keys holding arbitrary or hostile values. */
export function inputs(ids: { theirs: string[]; mine: string[] }) {
  const id = fc.oneof(
    // Read when generating: the ids exist only once the test's fixtures are made.
    fc.nat().map((i) => {
      const all = [...ids.theirs, ...ids.mine];
      return all[i % Math.max(all.length, 1)] ?? '';
    }),
    fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 24, maxLength: 24 }),
    fc.string(),
  );
  const value = fc.oneof(
    { weight: 3, arbitrary: fc.jsonValue() },
    { weight: 3, arbitrary: id },
    { weight: 1, arbitrary: fc.uuid() },
    { weight: 1, arbitrary: fc.integer() },
    {
      weight: 1,
      arbitrary: fc.constantFrom('', '\u0000', ' ', 'x'.repeat(40_000), 'cookie', 'body'),
    },
  );
  const keys = [
    'id',
    'sessionId',
    'title',
    'content',
    'clientId',
    'limit',
    'cursor',
    'deleted',
    'lastEventId',
    'username',
    'password',
    'refreshTransport',
    'refreshToken',
  ];
  const shaped = fc.record(Object.fromEntries(keys.map((k) => [k, value])), { requiredKeys: [] });
  return fc.oneof(fc.jsonValue(), shaped, fc.constant(undefined));
}

/** Everything stored that belongs to `owner`, as comparable JSON. */
export async function ownedBy(db: Database, owner: ObjectId): Promise<string> {
  const sessions = await db.sessions.find({ user_id: owner }).sort({ _id: 1 }).toArray();
  const sessionIds = sessions.map((s) => s._id);
  const [user, messages, buckets, refresh] = await Promise.all([
    db.users.findOne({ _id: owner }),
    db.messages
      .find({ session_id: { $in: sessionIds } })
      .sort({ _id: 1 })
      .toArray(),
    db.buckets
      .find({ session_id: { $in: sessionIds } })
      .sort({ _id: 1 })
      .toArray(),
    db.refreshTokens.find({ user_id: owner }).sort({ _id: 1 }).toArray(),
  ]);
  return JSON.stringify({ user, sessions, messages, buckets, refresh });
}

export const objectId = (hex: string) => new ObjectId(hex);
