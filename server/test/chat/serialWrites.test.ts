// The send pipeline's writes run one at a time. The driver can wait forever on a
// socket the database's death left half-closed (seen with mongodb 7.9 when the
// database is killed under load): such a write must not hold every later one.
import { describe, expect, it } from 'vitest';
import { GroupWrite, SerialWrites } from '../../src/chat/batching';
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

  it('take into a group write what was submitted while it waited for its turn', async () => {
    const writes = new SerialWrites(1_000);
    const groups: number[][] = [];
    const group = new GroupWrite<number>(
      async (docs) => {
        groups.push(docs);
      },
      100,
      (task) => writes.run(task),
    );
    let free = () => {};
    const ahead = writes.run(() => new Promise<void>((resolve) => (free = resolve)));
    // The first is submitted while another write holds the line, the rest after it.
    const outcomes = [group.submit([1]), group.submit([2, 3])];
    await new Promise((r) => setTimeout(r, 20));
    outcomes.push(group.submit([4]));
    free();
    await ahead;
    expect(await Promise.all(outcomes)).toEqual([[null], [null, null], [null]]);
    expect(groups).toEqual([[1, 2, 3, 4]]);
  });

  it('fail every caller of a group write that passes its deadline, and take the next', async () => {
    const writes = new SerialWrites(100);
    let calls = 0;
    const group = new GroupWrite<number>(
      (docs) => (++calls === 1 ? new Promise<never>(() => {}) : Promise.resolve(docs)),
      100,
      (task) => writes.run(task),
    );
    const hung = [group.submit([1]), group.submit([2])];
    const failures = await Promise.all(
      hung.map((p) =>
        p.then(
          () => null,
          (e: unknown) => e,
        ),
      ),
    );
    expect(failures.every((e) => isTransientDatabaseError(e))).toBe(true);
    expect(await group.submit([3])).toEqual([null]);
  });
});
