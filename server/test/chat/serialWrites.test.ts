// The send pipeline's writes run one at a time. The driver can wait forever on a
// socket the database's death left half-closed (seen with mongodb 7.9 when the
// database is killed under load): such a write must not hold every later one.
import { describe, expect, it } from 'vitest';
import { SerialWrites } from '../../src/chat/batching';
import { isTransientDatabaseError } from '../../src/db/errors';

describe('serial writes', () => {
  it('fail a write the database never answers as retryable, and go on with the next', async () => {
    const writes = new SerialWrites(200);
    const hung = writes.run(() => new Promise<never>(() => {}));
    const next = writes.run(async () => 'stored');
    const failure = await hung.then(
      () => null,
      (e: unknown) => e,
    );
    expect(isTransientDatabaseError(failure)).toBe(true);
    expect(await next).toBe('stored');
  });

  it('keep the order of writes and their own outcomes', async () => {
    const writes = new SerialWrites(1_000);
    const order: number[] = [];
    const runs = [1, 2, 3].map((n) =>
      writes.run(async () => {
        order.push(n);
        if (n === 2) throw new Error('refused');
        return n;
      }),
    );
    const outcomes = await Promise.allSettled(runs);
    expect(order).toEqual([1, 2, 3]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});
