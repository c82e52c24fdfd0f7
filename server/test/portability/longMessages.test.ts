// A huge message through POST /import: cut into at most maxPiecesPerMessage
// messages of the content limit, never inside a surrogate pair, and the report
// names the conversation whose message was cut short.
import { characterCount, limits } from '@parley/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import { toObjectId } from '../../src/db/ids';
import { maxPiecesPerMessage } from '../../src/portability/importedContent';
import { startTestServer } from '../support/harness';
import { chatgptConversation, importBody, signedInUser } from './support';

let parley: Parley;
beforeAll(async () => {
  parley = await startTestServer();
});
afterAll(() => parley.stop());

const t0 = 1_700_000_000;

describe('POST /import of a message far over the content limit', () => {
  it('stores at most maxPiecesPerMessage pieces of it, whole characters each, and reports the rest as left out', async () => {
    const { caller, token } = await signedInUser(parley);
    // 3 million characters (6 MB), a third of them outside the BMP, so cuts fall beside surrogate pairs.
    const text = 'ab😀'.repeat(1_000_000);
    const paste = chatgptConversation({
      id: 'conv-huge',
      title: 'A huge paste',
      created: t0,
      current: 'p',
      turns: [{ id: 'p', parent: null, role: 'user', parts: [text], time: t0 }],
    });
    const { report } = await importBody(parley, token, JSON.stringify([paste]));
    expect(report).toMatchObject({ sessions: 1, messages: maxPiecesPerMessage, split: 1 });
    expect(report?.errors).toHaveLength(1);
    expect(report?.errors[0]?.conversation).toBe('#1 “A huge paste”');
    expect(report?.errors[0]?.reason).toMatch(/longer than 1,024,000 characters.*rest left out/);

    const [session] = (await caller.session.list({})).items;
    expect(session?.messageCount).toBe(maxPiecesPerMessage);
    const stored = await parley.services.db.messages
      .find({ session_id: toObjectId(session?.id ?? '') })
      .sort({ seq: 1 })
      .toArray();
    expect(stored.map((m) => characterCount(m.content))).toEqual(
      Array(maxPiecesPerMessage).fill(limits.contentMax),
    );
    // A lone surrogate (half a pair) is all \p{Cs} matches in a u-regex.
    expect(stored.some((m) => /\p{Cs}/u.test(m.content))).toBe(false);
    const kept = maxPiecesPerMessage * limits.contentMax;
    expect(stored.map((m) => m.content).join('')).toBe(
      [...text.slice(0, 2 * kept)].slice(0, kept).join(''),
    );
  });

  it('cuts a title of millions of characters to the title limit, whole characters', async () => {
    const { caller, token } = await signedInUser(parley);
    const chat = chatgptConversation({
      id: 'conv-long-title',
      title: `  ${'😀'.repeat(2_000_000)}`,
      created: t0,
      current: 'u',
      turns: [{ id: 'u', parent: null, role: 'user', parts: ['hi'], time: t0 }],
    });
    const { report } = await importBody(parley, token, JSON.stringify([chat]));
    expect(report).toMatchObject({ sessions: 1, messages: 1, errors: [] });
    const [session] = (await caller.session.list({})).items;
    expect(session?.title).toBe('😀'.repeat(limits.titleMax));
  });
});
