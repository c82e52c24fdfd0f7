// A ChatGPT conversation too large to hold while it is read (millions of JSON
// values, whatever its size in bytes) is left out as it is read and reported;
// the conversations around it are imported.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import { maxValuesPerConversation } from '../../src/portability/importFile';
import { startTestServer } from '../support/harness';
import { chatgptConversation, importBody, signedInUser } from './support';

let parley: Parley;
beforeAll(async () => {
  parley = await startTestServer();
});
afterAll(() => parley.stop());

const t0 = 1_700_000_000;
const conversation = (id: string) =>
  chatgptConversation({
    id,
    title: id,
    created: t0,
    current: 'q',
    turns: [{ id: 'q', parent: null, role: 'user', parts: [`hello from ${id}`], time: t0 }],
  });

/** A valid conversation with a field of empty objects: two JSON values each, a few bytes each. */
function bloated(id: string): string {
  const json = JSON.stringify(conversation(id));
  const junk = `,"junk":[${'{},'.repeat(maxValuesPerConversation / 2)}{}]}`;
  return json.slice(0, -1) + junk;
}

describe('POST /import of a conversation of too many JSON values', () => {
  it('leaves it out, reports it by its place, and imports the others, also after the last', async () => {
    const { caller, token } = await signedInUser(parley);
    const file = `[${[
      JSON.stringify(conversation('first')),
      bloated('second'),
      JSON.stringify(conversation('third')),
      bloated('fourth'),
    ].join(',')}]`;
    const { report } = await importBody(parley, token, file);
    expect(report).toMatchObject({ sessions: 2, messages: 2 });
    expect(report?.errors).toEqual([
      { conversation: '#2', reason: expect.stringMatching(/too large to read/) },
      { conversation: '#4', reason: expect.stringMatching(/too large to read/) },
    ]);
    const titles = (await caller.session.list({})).items.map((s) => s.title).sort();
    expect(titles).toEqual(['first', 'third']);
  });

  it('imports a conversation just under the bound', async () => {
    const { caller, token } = await signedInUser(parley);
    const json = JSON.stringify(conversation('large but fine'));
    const junk = `,"junk":[${'{},'.repeat(maxValuesPerConversation / 2 - 1_000)}{}]}`;
    const { report } = await importBody(parley, token, `[${json.slice(0, -1)}${junk}]`);
    expect(report).toMatchObject({ sessions: 1, messages: 1, errors: [] });
    expect((await caller.session.list({})).items.map((s) => s.title)).toEqual(['large but fine']);
  });
});
