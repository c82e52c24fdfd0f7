// Searches' matches hold the event loop, so they run one at a time with a turn of the
// loop before each: what came meanwhile (I/O, timers, a callback queued by the first)
// goes between two matches of one batch, not after all of them. A match that throws
// rejects its own search only.
import { describe, expect, it } from 'vitest';
import { Turns } from '../../src/lib/turns';

describe('matches in turns', () => {
  it('lets other work run between two matches queued at once', async () => {
    const turns = new Turns();
    const order: string[] = [];
    const runs = [1, 2, 3, 4, 5].map((i) =>
      turns.run(() => {
        order.push(`match ${i}`);
        if (i === 1) setImmediate(() => order.push('other'));
        return i;
      }),
    );
    expect(await Promise.all(runs)).toEqual([1, 2, 3, 4, 5]);
    expect(order).toEqual(['match 1', 'other', 'match 2', 'match 3', 'match 4', 'match 5']);
  });

  it('a match that throws fails alone, and the next still runs', async () => {
    const turns = new Turns();
    const failed = turns.run(() => {
      throw new Error('bad query');
    });
    const next = turns.run(() => 'fine');
    await expect(failed).rejects.toThrow('bad query');
    await expect(next).resolves.toBe('fine');
  });
});
