import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/database';
import { ensureIndexes } from '../../src/db/indexes';
import { testConfig } from '../support/harness';

let db: Database;
beforeAll(async () => {
  const config = testConfig();
  db = await connectDatabase(config.mongoUri ?? '', config.mongoDb);
});
afterAll(() => db.client.close());

describe('start-up indexes', () => {
  it('are idempotent', async () => {
    await ensureIndexes(db);
    await ensureIndexes(db);
    const names = (await db.users.indexes()).map((i) => i.name);
    expect(names).toContain('username_lower_unique');
  });

  it('name the accounts when an old database has two names equal but for case', async () => {
    const other = db.client.db(`${db.db.databaseName}_case`);
    const users = other.collection('users');
    const now = new Date();
    await users.insertMany([
      { _id: new ObjectId(), username: 'Alice', hashed_password: 'x', created_at: now },
      { _id: new ObjectId(), username: 'alice', hashed_password: 'x', created_at: now },
    ]);
    const { openDatabase } = await import('../../src/db/database');
    await expect(ensureIndexes(openDatabase(db.client, other.databaseName))).rejects.toThrow(
      /equal without regard to case: "Alice", "alice".*npm run doctor/s,
    );
  });
});
