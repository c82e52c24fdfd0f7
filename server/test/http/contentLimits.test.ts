// The 32,000-character limit over real HTTP: whitespace around a message is kept
// as written but bounded, so padding cannot store a message of a million characters.
import { limits } from '@parley/shared';
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import { allMessages, newSession, signUp, trpcCall } from '../faults/support/trpc';
import { startTestServer } from '../support/harness';

let parley: Parley;
let token: string;
beforeAll(async () => {
  parley = await startTestServer();
  token = await signUp(parley.url, 'whitespace_padder');
});
afterAll(() => parley.stop());

const full = 'x'.repeat(limits.contentMax);

describe('message content as sent over HTTP', () => {
  it('refuses 32,000 characters and a million trailing spaces with BAD_REQUEST, storing nothing', async () => {
    const sessionId = await newSession(parley.url, token);
    const content = `${full}${' '.repeat(1_000_000)}`;
    const out = await trpcCall(
      parley.url,
      'mutation',
      'message.send',
      { sessionId, content },
      token,
    );
    expect(out.code).toBe('BAD_REQUEST');
    const stored = await parley.services.db.sessions.findOne({ _id: new ObjectId(sessionId) });
    expect(stored?.message_count).toBe(0);
    expect(await allMessages(parley.url, token, sessionId)).toEqual([]);
  });

  it('keeps leading and trailing whitespace exactly, up to 1,000 characters of it', async () => {
    const sessionId = await newSession(parley.url, token);
    const padded = `\n\t${full}${' '.repeat(limits.surroundingWhitespaceMax - 2)}`;
    const sent = await trpcCall(
      parley.url,
      'mutation',
      'message.send',
      { sessionId, content: padded },
      token,
    );
    expect(sent.ok).toBe(true);
    const over = await trpcCall(
      parley.url,
      'mutation',
      'message.send',
      { sessionId, content: `${padded} ` },
      token,
    );
    expect(over.code).toBe('BAD_REQUEST');
    const stored = await allMessages(parley.url, token, sessionId);
    expect(stored.map((m) => m.content)).toEqual([padded]);
  });
});
