// Dates Parley cannot hold (before 1970) in an imported file: taken as missing, so
// the chats list, page and get ids like any other, while 1970 on is kept as written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import { toObjectId } from '../../src/db/ids';
import { startTestServer } from '../support/harness';
import { chatgptConversation, importBody, signedInUser } from './support';

let parley: Parley;
beforeAll(async () => {
  parley = await startTestServer();
});
afterAll(() => parley.stop());

/** A Parley account export of one chat a date, each with one message of that date. */
function parleyFile(dates: string[]) {
  const lines: object[] = [{ type: 'account', format: 'parley.account', version: 1 }];
  dates.forEach((at, i) => {
    const id = `s${i}`;
    lines.push(
      { type: 'session', id, title: at, createdAt: at, deleted: false, deletedAt: null },
      { type: 'message', sessionId: id, role: 'user', content: 'hi', createdAt: at, updatedAt: at },
    );
  });
  lines.push({ type: 'end', sessions: dates.length, messages: dates.length });
  return lines.map((l) => JSON.stringify(l)).join('\n');
}

describe('POST /import of chats dated before 1970', () => {
  it('pages through session.list one chat at a time to the end, with ids of the time they got', async () => {
    const { caller, token } = await signedInUser(parley);
    const before = Date.now();
    const old = [
      '1968-02-01T00:00:00.000Z',
      '1969-06-01T12:00:00.000Z',
      '1969-12-31T23:59:59.999Z',
    ];
    const kept = ['1970-01-01T00:00:00.000Z', '2023-11-14T22:13:20.000Z'];
    const parley1 = await importBody(parley, token, parleyFile([...old, ...kept]));
    expect(parley1.report).toMatchObject({ sessions: 5, messages: 5, errors: [] });
    const chatgpt = chatgptConversation({
      id: 'conv-1969',
      title: 'ChatGPT 1969',
      created: -18_489_600,
      current: 'u',
      turns: [{ id: 'u', parent: null, role: 'user', parts: ['hi'], time: -18_489_600 }],
    });
    const chatgpt1 = await importBody(parley, token, JSON.stringify([chatgpt]));
    expect(chatgpt1.report).toMatchObject({ sessions: 1, messages: 1, errors: [] });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await caller.session.list({ limit: 1, cursor });
      seen.push(...page.items.map((s) => s.title));
      cursor = page.nextCursor;
    } while (cursor && seen.length < 10);
    expect(seen.sort()).toEqual([...old, ...kept, 'ChatGPT 1969'].sort());

    const after = Date.now();
    const list = (await caller.session.list({ limit: 10 })).items;
    for (const s of list) {
      const idTime = toObjectId(s.id).getTimestamp().getTime();
      const [message] = (await caller.message.list({ sessionId: s.id })).items;
      if (kept.includes(s.title)) {
        expect(s.createdAt.toISOString()).toBe(s.title);
        expect(message?.createdAt.toISOString()).toBe(s.title);
        expect(idTime).toBe(Math.floor(s.createdAt.getTime() / 1000) * 1000);
      } else {
        // Taken as missing: the time of the import, as a ChatGPT chat with no time gets.
        for (const t of [s.createdAt, s.lastMessageAt, message?.createdAt, message?.updatedAt]) {
          expect(t?.getTime()).toBeGreaterThanOrEqual(before);
          expect(t?.getTime()).toBeLessThanOrEqual(after);
        }
        expect(idTime).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
        expect(idTime).toBeLessThanOrEqual(after);
      }
    }
  });
});
