// search.query's matching rules, each against the real index over the embedded
// database: every word must match, prefixes and (for longer words) one typo do,
// case and diacritics are ignored, quoted phrases match as phrases, and text
// written without spaces (Chinese, Japanese) is found.
import { searchResultSchema } from '@parley/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../src/services';
import { closeServices, newUser, testServices } from '../support/harness';

let services: Services;
let caller: Awaited<ReturnType<typeof newUser>>['caller'];
const texts = [
  'The deployment went out at noon',
  'Please review my Résumé before Friday',
  'we should deploy now, said nobody',
  'now we should deploy',
  'Tomorrow morning the release happens',
  '東京タワーに行きました',
  'rollback the database migration',
];

beforeAll(async () => {
  services = await testServices();
  ({ caller } = await newUser(services));
  const s = await caller.session.create({ title: 'Planning notes' });
  for (const content of texts) await caller.message.send({ sessionId: s.id, content });
});
afterAll(() => closeServices(services));

async function found(q: string): Promise<string[]> {
  const r = searchResultSchema.parse(await caller.search.query({ q }));
  expect(r.indexing).toBe(false);
  return r.items.map((h) => h.message?.content ?? `title: ${h.session.title}`).sort();
}

describe('search matching', () => {
  it('requires every word to match', async () => {
    expect(await found('deploy nobody')).toEqual(['we should deploy now, said nobody']);
  });

  it('matches prefixes', async () => {
    expect(await found('deplo')).toEqual([
      'The deployment went out at noon',
      'now we should deploy',
      'we should deploy now, said nobody',
    ]);
  });

  it('tolerates one typo in words of five letters or more, not in shorter ones', async () => {
    expect(await found('rolback')).toEqual(['rollback the database migration']);
    expect(await found('databse')).toEqual(['rollback the database migration']);
    expect(await found('nuw')).toEqual([]);
  });

  it('ignores case and diacritics, both ways', async () => {
    expect(await found('resume')).toEqual(['Please review my Résumé before Friday']);
    expect(await found('RÉSUMÉ')).toEqual(['Please review my Résumé before Friday']);
    expect(await found('tomorrow MORNING')).toEqual(['Tomorrow morning the release happens']);
  });

  it('matches a quoted phrase only as a phrase', async () => {
    expect(await found('"deploy now"')).toEqual(['we should deploy now, said nobody']);
    expect(await found('"now deploy"')).toEqual([]);
  });

  it('finds words in text written without spaces', async () => {
    expect(await found('タワー')).toEqual(['東京タワーに行きました']);
    expect(await found('東京')).toEqual(['東京タワーに行きました']);
    expect(await found('京都')).toEqual([]);
  });

  it('finds chats by title, with no message', async () => {
    const r = await caller.search.query({ q: 'planning' });
    expect(r.items).toHaveLength(1);
    expect(r.items[0]?.message).toBeNull();
    expect(r.items[0]?.session.title).toBe('Planning notes');
  });

  it('answers a snippet with the matched words highlighted', async () => {
    const r = await caller.search.query({ q: 'resume' });
    const hit = r.items[0];
    expect(hit?.snippet).toBe('Please review my Résumé before Friday');
    expect(hit?.highlights.map(([s, e]) => hit.snippet.slice(s, e))).toEqual(['Résumé']);
  });

  it('pages with a cursor and refuses bad input', async () => {
    const first = await caller.search.query({ q: 'deplo', limit: 2 });
    expect(first.items).toHaveLength(2);
    const second = await caller.search.query({ q: 'deplo', limit: 2, cursor: first.nextCursor });
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    const ids = [...first.items, ...second.items].map((h) => h.message?.id);
    expect(new Set(ids).size).toBe(3);
    await expect(caller.search.query({ q: 'other', cursor: first.nextCursor })).rejects.toThrow(
      /cursor/,
    );
    expect((await caller.search.query({ q: '"!?" …' })).items).toEqual([]);
    await expect(caller.search.query({ q: '' })).rejects.toThrow();
    await expect(caller.search.query({ q: 'x'.repeat(201) })).rejects.toThrow();
    await expect(caller.search.query({ q: 'x', limit: 51 })).rejects.toThrow();
  });
});
