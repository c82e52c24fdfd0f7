// Imported messages under message.send's rule: what a send takes is stored as
// written, whitespace past what a send allows is trimmed, NULs are removed, unpaired
// surrogates become U+FFFD, and a message with nothing in it is skipped and
// counted, never stored.
import { contentSchema, titleSchema } from '@parley/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import { toObjectId } from '../../src/db/ids';
import { importedTitle } from '../../src/portability/imported';
import { startTestServer } from '../support/harness';
import { importBody, signedInUser } from './support';

let parley: Parley;
beforeAll(async () => {
  parley = await startTestServer();
});
afterAll(() => parley.stop());

/** A Parley account export of one chat holding `contents`, in order. */
function parleyFile(contents: string[]) {
  const at = '2023-11-14T22:13:20.000Z';
  const lines: object[] = [
    { type: 'account', format: 'parley.account', version: 1 },
    { type: 'session', id: 's', title: 'Pasted', createdAt: at, deleted: false, deletedAt: null },
    ...contents.map((content) => ({
      type: 'message',
      sessionId: 's',
      role: 'user',
      content,
      createdAt: at,
      updatedAt: at,
    })),
    { type: 'end', sessions: 1, messages: contents.length },
  ];
  return lines.map((l) => JSON.stringify(l)).join('\n');
}

describe('POST /import of messages a send would refuse', () => {
  it('stores only what message.send takes: empty ones skipped, extra whitespace trimmed, NULs removed', async () => {
    const { caller, token } = await signedInUser(parley);
    const file = parleyFile([
      '',
      ' \n\t ',
      ' '.repeat(500_000),
      '\u200b\u200b', // invisible but not whitespace: a send takes it
      'a\u0000b',
      '  indented\n', // whitespace within what a send allows stays as written
      `x${' '.repeat(5_000)}`,
      `    code${'\n'.repeat(2_000)}`,
      `${' '.repeat(1_500)}y`,
      `${'é'.repeat(40_000)}${'\n'.repeat(2_000)}`,
      `a${' '.repeat(100_000)}b`,
      'half \ud83d a pair', // an unpaired surrogate a send refuses: kept as U+FFFD
    ]);
    const { report } = await importBody(parley, token, file);
    expect(report).toMatchObject({ sessions: 1, messages: 11, skipped: 3, split: 2, errors: [] });

    const [session] = (await caller.session.list({})).items;
    const stored = await parley.services.db.messages
      .find({ session_id: toObjectId(session?.id ?? '') })
      .sort({ seq: 1 })
      .toArray();
    expect(stored.map((m) => m.content)).toEqual([
      '\u200b\u200b',
      'ab',
      '  indented\n',
      'x',
      '    code',
      'y',
      'é'.repeat(32_000),
      'é'.repeat(8_000),
      'a',
      'b',
      'half \ufffd a pair',
    ]);
    // The same rule as a send: each stored message is one message.send takes as it is.
    const other = await caller.session.create({ title: 'Sent' });
    for (const { content } of stored) {
      expect(contentSchema.safeParse(content).success).toBe(true);
      const sent = await caller.message.send({ sessionId: other.id, content });
      expect(sent.content).toBe(content);
    }
  });
});

describe('imported titles', () => {
  it('are titles a create takes: lone surrogates as U+FFFD, invisible ones the default', () => {
    expect(importedTitle('uni \ud800 title')).toBe('uni \ufffd title');
    expect(importedTitle('\u200b\u200b')).toBe('New Chat');
    expect(importedTitle('  Plans\u0000 ')).toBe('Plans');
    for (const t of ['uni \ud800 title', '\u200b', `${'😀'.repeat(250)}`, 'x\udc00']) {
      expect(titleSchema.safeParse(importedTitle(t)).success).toBe(true);
    }
  });
});
