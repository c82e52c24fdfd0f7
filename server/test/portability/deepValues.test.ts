// A ChatGPT conversation whose title or create_time is nested deeper than can be
// written out again is reported and left out; the file is valid JSON, so the
// conversations after it are imported and no JSON error is reported.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import { startTestServer } from '../support/harness';
import { chatgptConversation, importBody, signedInUser } from './support';

let parley: Parley;
beforeAll(async () => {
  parley = await startTestServer();
});
afterAll(() => parley.stop());

const t0 = 1_700_000_000;
const conversation = (title: string) =>
  chatgptConversation({
    id: title,
    title,
    created: t0,
    current: 'q',
    turns: [{ id: 'q', parent: null, role: 'user', parts: [`hello from ${title}`], time: t0 }],
  });
const deep = `${'['.repeat(50_000)}${']'.repeat(50_000)}`;

/** A conversation with no id whose `field` is an array 50,000 deep. */
function withoutId(field: 'title' | 'create_time'): string {
  const {
    id: _id,
    conversation_id: _cid,
    ...rest
  } = conversation('no id') as Record<string, unknown>;
  delete rest[field];
  return `{"${field}":${deep},${JSON.stringify(rest).slice(1)}`;
}

describe('POST /import of a conversation with a deeply nested title or time', () => {
  it.each(['title', 'create_time'] as const)(
    'reports it by its %s and imports the rest',
    async (field) => {
      const { caller, token } = await signedInUser(parley);
      const file = `[${withoutId(field)},${JSON.stringify(conversation('after'))}]`;
      const { report } = await importBody(parley, token, file);
      expect(report).toMatchObject({
        sessions: 1,
        messages: 1,
        errors: [
          {
            conversation: expect.stringMatching(/^#1/),
            reason: expect.stringMatching(/no id, and its title or create_time/),
          },
        ],
      });
      expect((await caller.session.list({})).items.map((s) => s.title)).toEqual(['after']);
    },
  );
});
