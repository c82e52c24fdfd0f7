// Searching and indexing chats of long texts that are not ASCII: every candidate
// text is folded for a quoted phrase, and every message for the index, which
// takes seconds over hundreds of 30,000-character messages. That work runs in
// slices (lib/slices.ts): the event loop is held for a small part of it at a
// time, whatever the chat holds, and one search works for searchWorkMs at most.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import { searchWorkMs } from '../../src/search/userIndex';
import { chatgptConversation, importBody, signedInUser } from '../portability/support';
import { startTestServer } from '../support/harness';

let parley: Parley;
beforeAll(async () => {
  parley = await startTestServer();
});
afterAll(() => parley.stop());

/** Runs `work`, and measures the longest the event loop was held meanwhile and in all. */
async function held<T>(
  work: () => Promise<T>,
): Promise<{ result: T; longest: number; total: number }> {
  let done = false;
  let longest = 0;
  let last = performance.now();
  const tick = () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    if (!done) setImmediate(tick);
  };
  setImmediate(tick);
  const started = performance.now();
  const result = await work();
  const total = performance.now() - started;
  done = true;
  return { result, longest, total };
}

describe('search over long texts that are not ASCII', () => {
  it('holds the event loop a slice at a time, while indexing and while checking a phrase', async () => {
    const { caller, token } = await signedInUser(parley);
    const text = `bé ${'aé '.repeat(10_598)}`; // 31,797 characters, "be" only first
    const turns = Array.from({ length: 400 }, (_, i) => ({
      id: `t${i}`,
      parent: i === 0 ? null : `t${i - 1}`,
      role: 'user',
      parts: [text],
      time: 1_700_000_000 + i,
    }));
    const file = JSON.stringify([
      chatgptConversation({
        id: 'long',
        title: 'Long',
        created: 1_700_000_000,
        current: 't399',
        turns,
      }),
    ]);
    expect((await importBody(parley, token, file)).report).toMatchObject({ messages: 400 });

    // The first search builds the index in the background.
    const indexing = await held(async () => {
      let page = await caller.search.query({ q: 'ae' });
      for (let i = 0; i < 2_000 && page.indexing; i++) {
        await new Promise((r) => setTimeout(r, 10));
        page = await caller.search.query({ q: 'ae' });
      }
      return page;
    });
    expect(indexing.result.indexing).toBe(false);

    // Every text has both words, none the phrase: each of the 400 is folded and checked.
    const phrase = await held(() => caller.search.query({ q: '"ae be"' }));
    expect(phrase.result.items).toEqual([]);

    for (const run of [indexing, phrase]) {
      expect(run.longest).toBeLessThan(run.total / 3);
    }
  });

  it('indexes long Chinese texts of thousands of distinct characters a slice at a time, and finds their words', async () => {
    const { caller } = await signedInUser(parley);
    const { id } = await caller.session.create({ title: 'CJK' });
    let seed = 77;
    const rnd = () => {
      seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const cjk = (n: number) =>
      Array.from({ length: n }, () =>
        String.fromCharCode(0x4e00 + Math.floor(rnd() * 20_000)),
      ).join('');
    // The last words stand past what the index holds of such a text.
    const texts = [0, 1, 2].map((i) => `${cjk(31_990)}雪山${i}号 终点`);
    for (const content of texts) await caller.message.send({ sessionId: id, content });

    const run = await held(async () => {
      let page = await caller.search.query({ q: '一丁' });
      for (let i = 0; i < 2_000 && page.indexing; i++) {
        await new Promise((r) => setTimeout(r, 10));
        page = await caller.search.query({ q: '一丁' });
      }
      return page;
    });
    expect(run.result.indexing).toBe(false);
    expect(run.longest).toBeLessThan(200);

    // A search past its work limit answers what it found and says `cut` (a machine
    // busy with other processes stretches the limit's clock): what a whole one finds.
    const whole = async (q: string) => {
      let page = await caller.search.query({ q });
      for (let i = 0; i < 20 && page.cut; i++) page = await caller.search.query({ q });
      expect(page.cut ?? false).toBe(false);
      return page;
    };
    const far = await whole('终点');
    expect(far.items).toHaveLength(3);
    const one = await whole('雪山1');
    expect(one.items.map((h) => h.message?.content === texts[1])).toEqual([true]);
    const phrase = await whole('"雪山2号"');
    expect(phrase.items).toHaveLength(1);
  });

  it('answers eight phrase searches that match nothing at once without holding others, each within its work limit', async () => {
    const { caller, token } = await signedInUser(parley);
    const other = await signedInUser(parley);
    const text = `àb ${'bé '.repeat(10_598)}`; // 31,797 characters, "ab" only first
    const turns = Array.from({ length: 400 }, (_, i) => ({
      id: `t${i}`,
      parent: i === 0 ? null : `t${i - 1}`,
      role: 'user',
      parts: [text],
      time: 1_700_000_000 + i,
    }));
    const file = JSON.stringify([
      chatgptConversation({
        id: 'long',
        title: 'Long',
        created: 1_700_000_000,
        current: 't399',
        turns,
      }),
    ]);
    expect((await importBody(parley, token, file)).report).toMatchObject({ messages: 400 });
    let page = await caller.search.query({ q: 'ab' });
    for (let i = 0; i < 2_000 && page.indexing; i++) {
      await new Promise((r) => setTimeout(r, 10));
      page = await caller.search.query({ q: 'ab' });
    }
    expect(page.indexing).toBe(false);

    // Each folds and rejects every text it checks; another user asks meanwhile.
    let otherWaited = 0;
    const run = await held(async () => {
      let done = false;
      const searches = Promise.all(
        Array.from({ length: 8 }, () => caller.search.query({ q: '"ab be be ab"' })),
      ).finally(() => {
        done = true;
      });
      while (!done) {
        // A turn of another user's: their request, then a 20 ms timer.
        const asked = performance.now();
        await other.caller.auth.me();
        await new Promise((r) => setTimeout(r, 20));
        otherWaited = Math.max(otherWaited, performance.now() - asked);
      }
      return searches;
    });
    for (const r of run.result) expect(r.items).toEqual([]);
    // A slice is 20 ms; the rest is room for a busy machine (a full scan held it 700 ms).
    expect(run.longest).toBeLessThan(400);
    expect(otherWaited).toBeLessThan(450);
    // Past its work limit a search answers what it found so far, and says so.
    for (const r of run.result) {
      if (r.cut) expect(r.nextCursor).toBeNull();
    }
    // Eight searches' work, each bounded: not eight full scans of 400 long texts.
    expect(run.total).toBeLessThan(8 * 2 * searchWorkMs);
  });
});
