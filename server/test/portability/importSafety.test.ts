// What an import may not do: take more than IMPORT_MAX_BYTES, run twice at once
// for one user, touch another account, or leave a chat half-imported.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import { claimImportSlot } from '../../src/portability/importFile';
import { startTestServer } from '../support/harness';
import { exportAccountLines, importBody, signedInUser } from './support';

let parley: Parley;
beforeAll(async () => {
  parley = await startTestServer();
});
afterAll(() => parley.stop());

async function accountWithChats(titles: string[]) {
  const u = await signedInUser(parley);
  for (const title of titles) {
    const s = await u.caller.session.create({ title });
    await u.caller.message.send({ sessionId: s.id, content: `in ${title}` });
  }
  return u;
}

async function refusesOverCap(small: Parley) {
  const u = await signedInUser(small);
  const big = JSON.stringify([{ title: 'x'.repeat(5_000) }]);
  const declared = await importBody(small, u.token, big);
  expect(declared.status).toBe(413);
  expect(JSON.parse(declared.text).detail).toMatch(
    /larger than this server takes \(4 KiB; IMPORT_MAX_BYTES\)/,
  );
  // Sent without a length (chunked), it is refused once the limit is passed.
  const chunked = await fetch(`${small.url}/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${u.token}` },
    body: new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    }),
    duplex: 'half',
  } as RequestInit);
  expect(chunked.status).toBe(413);
  expect((await u.caller.session.list({})).items).toHaveLength(0);
}

/** Conversations past SESSIONS_PER_USER are reported, not stored. */
async function stopsAtSessionLimit(small: Parley) {
  const u = await signedInUser(small);
  const conv = (id: string) => ({
    id,
    title: id,
    create_time: 1_700_000_000,
    current_node: 'a',
    mapping: {
      a: {
        id: 'a',
        parent: null,
        message: { author: { role: 'user' }, content: { parts: ['hi'] } },
      },
    },
  });
  const { report } = await importBody(
    small,
    u.token,
    JSON.stringify([conv('c1'), conv('c2'), conv('c3')]),
  );
  expect(report).toMatchObject({ sessions: 2, messages: 2 });
  expect(report?.errors).toEqual([
    { conversation: '#3 “c3”', reason: 'the account has reached its limit of 2 chats' },
  ]);
  expect((await u.caller.session.list({})).items).toHaveLength(2);
}

/** A conversation past MESSAGES_PER_SESSION is reported and dropped; one at the cap is stored. */
async function stopsAtChatLimit(small: Parley) {
  const u = await signedInUser(small);
  const conv = (id: string, n: number) => {
    const mapping: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) {
      mapping[`n${i}`] = {
        id: `n${i}`,
        parent: i === 0 ? null : `n${i - 1}`,
        message: {
          author: { role: i % 2 ? 'assistant' : 'user' },
          content: { parts: [`${id} ${i}`] },
        },
      };
    }
    return { id, title: id, create_time: 1_700_000_000, current_node: `n${n - 1}`, mapping };
  };
  const { report } = await importBody(
    small,
    u.token,
    JSON.stringify([conv('long', 4), conv('at cap', 3)]),
  );
  expect(report).toMatchObject({ sessions: 1, messages: 3 });
  expect(report?.errors).toEqual([
    { conversation: '#1 “long”', reason: 'it has more than 3 messages, the limit of one chat' },
  ]);
  const list = (await u.caller.session.list({})).items;
  expect(list.map((s) => [s.title, s.messageCount])).toEqual([['at cap', 3]]);
  const messages = await small.services.db.messages.countDocuments({ user_id: u.user._id });
  expect(messages).toBe(3);
}

describe('POST /import limits', () => {
  it('answers 413 for a file over IMPORT_MAX_BYTES and stops at SESSIONS_PER_USER and MESSAGES_PER_SESSION, storing nothing more', async () => {
    const small = await startTestServer({
      IMPORT_MAX_BYTES: '4096',
      SESSIONS_PER_USER: '2',
      MESSAGES_PER_SESSION: '3',
    });
    try {
      await refusesOverCap(small);
      await stopsAtSessionLimit(small);
      await stopsAtChatLimit(small);
    } finally {
      await small.stop();
    }
  });

  it('runs one import at a time per user: a second gets 409 while the first runs', async () => {
    const u = await signedInUser(parley);
    const release = claimImportSlot(parley.services, u.user);
    if (typeof release !== 'function') throw new Error(`no slot: ${release}`);
    const busy = await importBody(parley, u.token, '[]');
    expect(busy.status).toBe(409);
    expect(JSON.parse(busy.text).detail).toMatch(/already running/);
    release();
    expect((await importBody(parley, u.token, '[]')).status).toBe(200);
  });

  it('answers 401 without a valid token', async () => {
    const res = await fetch(`${parley.url}/import`, { method: 'POST', body: '[]' });
    expect(res.status).toBe(401);
  });
});

describe('POST /import of a Parley export', () => {
  it('never touches another account: the source account is unchanged after others import its file', async () => {
    const a = await accountWithChats(['A1', 'A2']);
    const before = await exportAccountLines(parley, a.token);
    const b = await signedInUser(parley);
    expect((await importBody(parley, b.token, before.text)).report).toMatchObject({ sessions: 2 });
    // Importing the file into its own account makes copies under new ids, keyed apart from B's.
    expect((await importBody(parley, a.token, before.text)).report).toMatchObject({ sessions: 2 });
    const aTitles = (await a.caller.session.list({})).items.map((s) => s.title).sort();
    expect(aTitles).toEqual(['A1', 'A1', 'A2', 'A2']);
    const bList = (await b.caller.session.list({})).items;
    expect(bList.map((s) => s.title).sort()).toEqual(['A1', 'A2']);
    expect(new Set(bList.map((s) => s.userId))).toEqual(new Set([b.user._id.toHexString()]));
  });

  it('leaves out a chat with a bad message and the chat a cut-off file ends in, importing the rest', async () => {
    const a = await accountWithChats(['Good', 'Bad', 'Cut']);
    const { lines } = await exportAccountLines(parley, a.token);
    const badAt = lines.findIndex((l) => l.type === 'session' && l.title === 'Bad') + 1;
    lines[badAt] = { ...lines[badAt], role: 'robot' };
    const text = lines.map((l) => JSON.stringify(l)).join('\n');
    const cut = text.slice(0, text.lastIndexOf('\n')); // drops the end line
    const b = await signedInUser(parley);
    const { report } = await importBody(parley, b.token, cut);
    expect(report?.sessions).toBe(1);
    expect(report?.errors.map((e) => e.conversation)).toEqual(['“Bad”', '“Cut”', 'the file']);
    expect(report?.errors[0]?.reason).toMatch(/role/);
    expect(report?.errors[1]?.reason).toMatch(/ends before this chat does/);
    expect(report?.errors[2]?.reason).toMatch(/cut off/);
    expect((await b.caller.session.list({})).items.map((s) => s.title)).toEqual(['Good']);
  });

  it('removes the messages and buckets already written of a chat that fails part way', async () => {
    const a = await signedInUser(parley);
    const s = await a.caller.session.create({ title: 'Long' });
    const lines = [
      { type: 'account', format: 'parley.account', version: 1 },
      { type: 'session', ...s, messageCount: 260 },
      ...Array.from({ length: 260 }, (_, i) => ({
        type: 'message',
        id: `${i}`,
        sessionId: s.id,
        userId: s.userId,
        seq: i + 1,
        role: i === 240 ? 'robot' : 'user',
        content: `m${i}`,
        createdAt: new Date(1_700_000_000_000 + i),
        updatedAt: new Date(1_700_000_000_000 + i),
        clientId: null,
      })),
      { type: 'end', sessions: 1, messages: 260 },
    ];
    const { db } = parley.services;
    const before = [await db.messages.countDocuments({}), await db.buckets.countDocuments({})];
    const b = await signedInUser(parley);
    const { report } = await importBody(
      parley,
      b.token,
      lines.map((l) => JSON.stringify(l)).join('\n'),
    );
    expect(report).toMatchObject({ sessions: 0, messages: 0 });
    expect(report?.errors[0]?.reason).toMatch(/line 243/);
    expect([await db.messages.countDocuments({}), await db.buckets.countDocuments({})]).toEqual(
      before,
    );
    // The conversation's key was released: a corrected file imports it.
    lines[242] = { ...(lines[242] as object), role: 'user' } as (typeof lines)[number];
    const fixed = await importBody(parley, b.token, lines.map((l) => JSON.stringify(l)).join('\n'));
    expect(fixed.report).toMatchObject({ sessions: 1, messages: 260, errors: [] });
  });
});
