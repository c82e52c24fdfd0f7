// ChatGPT's conversations.json through POST /import: the branch ending at
// current_node, in order, with its times; hidden, empty, tool turns skipped and
// counted; broken conversations reported one by one while the rest import.
import { limits } from '@parley/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import { idString } from '../../src/db/ids';
import { userChannel } from '../../src/realtime/channels';
import { startTestServer } from '../support/harness';
import { chatgptConversation, importBody, signedInUser } from './support';

let parley: Parley;
beforeAll(async () => {
  parley = await startTestServer();
});
afterAll(() => parley.stop());

const t0 = 1_700_000_000; // 2023-11-14, in seconds as ChatGPT writes times

/** Edits, regenerations, a hidden system prompt, an empty system turn, a tool call and multi-part content. */
const branched = chatgptConversation({
  id: 'conv-branched',
  title: 'Planning a garden',
  created: t0,
  current: 'a2b',
  turns: [
    { id: 'root', parent: null },
    {
      id: 'sys',
      parent: 'root',
      role: 'system',
      parts: ['You are ChatGPT'],
      time: t0,
      hidden: true,
    },
    { id: 'sys2', parent: 'sys', role: 'system', parts: [''], time: t0 },
    { id: 'u1', parent: 'sys2', role: 'user', parts: ['What grows in shade?'], time: t0 + 10 },
    { id: 'a1old', parent: 'u1', role: 'assistant', parts: ['(first answer)'], time: t0 + 20 },
    { id: 'a1', parent: 'u1', role: 'assistant', parts: ['Ferns and hostas.'], time: t0 + 30 },
    {
      id: 'u2old',
      parent: 'a1',
      role: 'user',
      parts: ['(the question before its edit)'],
      time: t0 + 40,
    },
    { id: 'a2old', parent: 'u2old', role: 'assistant', parts: ['(answer to it)'], time: t0 + 50 },
    {
      id: 'u2',
      parent: 'a1',
      role: 'user',
      parts: [
        'Here is my plot:',
        { content_type: 'image_asset_pointer', asset_pointer: 'file-service://x' },
        'how many?',
      ],
      time: t0 + 60,
    },
    {
      id: 'call',
      parent: 'u2',
      role: 'assistant',
      parts: ['print(4 * 3)'],
      time: t0 + 70,
      recipient: 'python',
    },
    { id: 'tool', parent: 'call', role: 'tool', parts: ['12'], time: t0 + 80 },
    {
      id: 'a2b',
      parent: 'tool',
      role: 'assistant',
      parts: ['About **12** plants.\n\n```\n4 x 3\n```'],
      time: t0 + 90,
    },
  ],
});

const cycle = chatgptConversation({
  id: 'conv-cycle',
  title: 'Loop',
  created: t0,
  current: 'x',
  turns: [
    { id: 'x', parent: 'y', role: 'user', parts: ['x'], time: t0 },
    { id: 'y', parent: 'x', role: 'assistant', parts: ['y'], time: t0 },
  ],
});
const noCurrent = chatgptConversation({
  id: 'conv-nocurrent',
  title: 'No current node',
  created: t0,
  current: undefined,
  turns: [{ id: 'r', parent: null, role: 'user', parts: ['hi'], time: t0 }],
});
const orphan = chatgptConversation({
  id: 'conv-orphan',
  title: 'Missing parent',
  created: t0,
  current: 'b',
  turns: [{ id: 'b', parent: 'gone', role: 'user', parts: ['hi'], time: t0 }],
});
const long = chatgptConversation({
  id: 'conv-long',
  title: 'A long paste',
  created: t0 + 3600,
  current: 'p',
  turns: [
    {
      id: 'p',
      parent: null,
      role: 'user',
      parts: ['é'.repeat(limits.contentMax + 8_000)],
      time: t0 + 3600,
    },
  ],
});

describe('POST /import with ChatGPT conversations.json', () => {
  it('imports the current branch in order with its times, and reports what it skipped', async () => {
    const { user, caller, token } = await signedInUser(parley);
    const seen: unknown[] = [];
    const unsubscribe = await parley.services.bus.subscribe(
      userChannel(idString(user._id)),
      (e) => {
        seen.push(e);
      },
    );
    const { status, report, lines } = await importBody(
      parley,
      token,
      JSON.stringify([branched, cycle, noCurrent, orphan, long]),
    );
    unsubscribe();
    expect(status).toBe(200);
    expect(lines.slice(0, -1).every((l) => l.type === 'progress')).toBe(true);
    expect(report).toMatchObject({
      format: 'chatgpt',
      sessions: 2,
      messages: 6,
      skipped: 4,
      split: 1,
    });
    const reasons = Object.fromEntries(
      (report?.errors ?? []).map((e) => [e.conversation, e.reason]),
    );
    expect(Object.keys(reasons)).toEqual([
      '#2 “Loop”',
      '#3 “No current node”',
      '#4 “Missing parent”',
    ]);
    expect(reasons['#2 “Loop”']).toMatch(/cycle/);
    expect(reasons['#3 “No current node”']).toMatch(/no current_node/);
    expect(reasons['#4 “Missing parent”']).toMatch(/parent "gone" that is not in its mapping/);

    const list = await caller.session.list({});
    expect(list.items.map((s) => s.title)).toEqual(['A long paste', 'Planning a garden']);
    const garden = list.items[1];
    expect(garden?.createdAt.getTime()).toBe(t0 * 1000);
    expect(garden?.lastMessageAt?.getTime()).toBe((t0 + 90) * 1000);
    const page = await caller.message.list({ sessionId: garden?.id ?? '' });
    expect(page.items.map((m) => [m.role, m.content, m.createdAt.getTime() / 1000])).toEqual([
      ['user', 'What grows in shade?', t0 + 10],
      ['assistant', 'Ferns and hostas.', t0 + 30],
      ['user', 'Here is my plot:\n\nhow many?', t0 + 60],
      ['assistant', 'About **12** plants.\n\n```\n4 x 3\n```', t0 + 90],
    ]);
    const pasted = await caller.message.list({ sessionId: list.items[0]?.id ?? '' });
    expect(pasted.items.map((m) => m.content.length)).toEqual([limits.contentMax, 8_000]);
    // Every open view of the account is told of each new chat.
    const created = seen.filter(
      (e) => (e as { change: { kind: string } }).change.kind === 'created',
    );
    expect(created).toHaveLength(2);
  });

  it('reads a file that starts with a byte-order mark', async () => {
    const { token } = await signedInUser(parley);
    const body = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(JSON.stringify([branched])),
    ]);
    expect((await importBody(parley, token, body)).report).toMatchObject({
      sessions: 1,
      messages: 4,
      errors: [],
    });
  });

  it('keeps a conversation ChatGPT archived in the Archived view', async () => {
    const { caller, token } = await signedInUser(parley);
    const short = (id: string) =>
      chatgptConversation({
        id,
        title: id,
        created: t0,
        current: 'u',
        turns: [
          { id: 'root', parent: null },
          { id: 'u', parent: 'root', role: 'user', parts: ['Hello'], time: t0 },
        ],
      });
    const archived = { ...short('conv-archived'), is_archived: true };
    const shown = { ...short('conv-shown'), is_archived: false };
    const { report } = await importBody(parley, token, JSON.stringify([archived, shown]));
    expect(report).toMatchObject({ sessions: 2, errors: [] });
    expect((await caller.session.list({})).items).toHaveLength(1);
    const view = await caller.session.list({ view: 'archived' });
    expect(view.items.map((s) => s.archived)).toEqual([true]);
  });

  it('adds nothing when the same file is imported again', async () => {
    const { caller, token } = await signedInUser(parley);
    const file = JSON.stringify([branched, long]);
    expect((await importBody(parley, token, file)).report).toMatchObject({
      sessions: 2,
      alreadyImported: 0,
    });
    const again = await importBody(parley, token, file);
    expect(again.report).toMatchObject({
      sessions: 0,
      messages: 0,
      alreadyImported: 2,
      errors: [],
    });
    expect((await caller.session.list({})).items).toHaveLength(2);
  });

  it('keeps the whole conversations before a cut-off, says the file was cut, and completes on a second try', async () => {
    const { caller, token } = await signedInUser(parley);
    const whole = JSON.stringify([branched, long]);
    const cut = whole.slice(0, whole.indexOf('"conv-long"') - 200);
    const first = await importBody(parley, token, cut);
    expect(first.report).toMatchObject({ sessions: 1 });
    expect(first.report?.errors).toHaveLength(1);
    expect(first.report?.errors[0]?.reason).toMatch(/stops being valid JSON.*cut-off/);
    const second = await importBody(parley, token, whole);
    expect(second.report).toMatchObject({ sessions: 1, alreadyImported: 1, errors: [] });
    expect((await caller.session.list({})).items.map((s) => s.title)).toEqual([
      'A long paste',
      'Planning a garden',
    ]);
  });

  it('refuses a file that is not UTF-8, not JSON, or of another shape, changing nothing', async () => {
    const { caller, token } = await signedInUser(parley);
    const latin1 = Buffer.from(JSON.stringify([branched]).replace('shade', 'sh\u00e4de'), 'latin1');
    const cases: Array<[string | Buffer, RegExp]> = [
      [latin1, /not UTF-8/],
      ['hello there', /neither a Parley account export/],
      ['', /empty/],
      ['{"title":"one conversation, not an array"}', /first line is not the account line/],
      ['[1, "x"]', /not a conversation object/],
    ];
    for (const [body, reason] of cases) {
      const { status, report } = await importBody(parley, token, body);
      expect(status).toBe(200);
      expect(report?.sessions).toBe(0);
      expect(report?.errors.map((e) => e.reason).join(' ')).toMatch(reason);
    }
    expect((await caller.session.list({})).items).toHaveLength(0);
  });
});
