import { MongoNetworkError, MongoServerError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { isTransientDatabaseError } from '../../src/db/errors';

const busy = new MongoServerError({
  message: 'database is locked (5) (SQLITE_BUSY)',
  errmsg: 'database is locked (5) (SQLITE_BUSY)',
});

describe('database errors', () => {
  it('counts a lost lock race and an unreachable server as retryable, and nothing else', () => {
    expect(isTransientDatabaseError(busy)).toBe(true);
    expect(isTransientDatabaseError(new MongoNetworkError('connection reset'))).toBe(true);
    expect(
      isTransientDatabaseError(new MongoServerError({ message: 'E11000 duplicate key' })),
    ).toBe(false);
    expect(isTransientDatabaseError(new Error('database is locked'))).toBe(false);
  });
});
