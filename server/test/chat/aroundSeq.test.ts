// message.list around a seq (a search hit opened in context), then paging both
// ways from there: older pages by nextCursor, newer by prevCursor, meeting the
// ordinary pages without a gap or a repeat.
import { type Message, messagePageSchema } from '@parley/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageCursor } from '../../src/chat/cursor';
import type { Services } from '../../src/services';
import { closeServices, newUser, testServices } from '../support/harness';

let services: Services;
let caller: Awaited<ReturnType<typeof newUser>>['caller'];
let sessionId = '';
const total = 137;

beforeAll(async () => {
  services = await testServices();
  ({ caller } = await newUser(services));
  sessionId = (await caller.session.create()).id;
  for (let i = 1; i <= total; i++) await caller.message.send({ sessionId, content: `m${i}` });
});
afterAll(() => closeServices(services));

const seqs = (items: Message[]) => items.map((m) => m.seq);
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('message.list around a seq', () => {
  it('answers a page holding the seq, then walks older and newer to both ends', async () => {
    const page = messagePageSchema.parse(
      await caller.message.list({ sessionId, aroundSeq: 60, limit: 20 }),
    );
    expect(seqs(page.items)).toEqual(range(50, 69));
    const seen = [...seqs(page.items)];
    let older = page.nextCursor;
    while (older) {
      const p = messagePageSchema.parse(
        await caller.message.list({ sessionId, limit: 20, cursor: older }),
      );
      seen.unshift(...seqs(p.items));
      older = p.nextCursor;
    }
    let newer = page.prevCursor;
    while (newer) {
      const p = messagePageSchema.parse(
        await caller.message.list({ sessionId, limit: 20, cursor: newer }),
      );
      seen.push(...seqs(p.items));
      newer = p.prevCursor;
    }
    expect(seen).toEqual(range(1, total));
  });

  it('keeps the page full near either end', async () => {
    const start = await caller.message.list({ sessionId, aroundSeq: 2, limit: 10 });
    expect(seqs(start.items)).toEqual(range(1, 10));
    expect(start.nextCursor).toBeNull();
    const end = await caller.message.list({ sessionId, aroundSeq: total, limit: 10 });
    expect(seqs(end.items)).toEqual(range(total - 9, total));
    expect(end.prevCursor).toBeNull();
  });

  it('gives the newest page no prevCursor, and older pages one back to it', async () => {
    const newest = await caller.message.list({ sessionId, limit: 30 });
    expect(newest.prevCursor).toBeNull();
    const older = await caller.message.list({ sessionId, limit: 30, cursor: newest.nextCursor });
    expect(seqs(older.items)).toEqual(range(total - 59, total - 30));
    const back = await caller.message.list({ sessionId, limit: 30, cursor: older.prevCursor });
    expect(seqs(back.items)).toEqual(seqs(newest.items));
    expect(back.prevCursor).toBeNull();
  });

  it('refuses a seq past the end, a seq with a cursor, and another chat’s cursor', async () => {
    await expect(caller.message.list({ sessionId, aroundSeq: total + 1 })).rejects.toThrow(
      /not in this chat/,
    );
    const page = await caller.message.list({ sessionId, aroundSeq: 5, limit: 5 });
    await expect(
      caller.message.list({ sessionId, aroundSeq: 5, cursor: page.prevCursor }),
    ).rejects.toThrow(/not both/);
    const other = (await caller.session.create()).id;
    await expect(
      caller.message.list({ sessionId: other, cursor: page.prevCursor }),
    ).rejects.toThrow(/cursor/);
  });

  it('refuses seqs near the largest a number holds as any other past the end, and another id as not found', async () => {
    const max = Number.MAX_SAFE_INTEGER;
    for (const input of [
      { aroundSeq: max },
      { aroundSeq: max - 10, limit: 200 },
      { cursor: messageCursor(sessionId, 'newer', max) },
      { cursor: messageCursor(sessionId, 'newer', max - 5) },
      { cursor: messageCursor(sessionId, 'older', max) },
    ]) {
      await expect(caller.message.list({ sessionId, ...input })).rejects.toMatchObject({
        code: 'BAD_REQUEST',
      });
    }
    const nobody = 'ffffffffffffffffffffffff';
    await expect(caller.message.list({ sessionId: nobody, aroundSeq: max })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
