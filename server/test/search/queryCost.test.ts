// A query's cost is bounded by the words it looks up: each once, however often it is
// repeated; of a quoted phrase only its first and its longest other word (the phrase
// check holds the rest); and at most maxSearchWords of them, past which a search is
// refused. What matches is the same as looking every word up: each word a prefix, or
// one edit away from five letters on, and every quoted phrase as it is.
import MiniSearch from 'minisearch';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Turns } from '../../src/lib/turns';
import { searchesAtOnce } from '../../src/search/indexes';
import {
  fold,
  foldText,
  isUnspacedChar,
  isUnspacedTerm,
  maxSearchWords,
  parseQuery,
  phraseForm,
  termLength,
  tokenize,
} from '../../src/search/text';
import { type Doc, Texts } from '../../src/search/texts';
import type { Services } from '../../src/services';
import { closeServices, newUser, testServices } from '../support/harness';

const vocabulary = [
  'deploy',
  'deployment',
  'release',
  'rollback',
  'database',
  'databse',
  'migration',
  'a',
  'an',
  'and',
  'at',
  'the',
  'then',
  'there',
  'noon',
  'now',
  'nobody',
  'review',
  'résumé',
  'friday',
  'morning',
  'mourning',
  '東京タワー',
  'x',
  'xy',
  'xyz',
];

let seed = 7;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};
const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)] as T;

function doc(i: number, text: string): Doc {
  return {
    id: `m${i}`,
    s: 's',
    seq: i + 1,
    text,
    role: 'user',
    from: 'u',
    at: 0,
    up: 0,
    client: null,
    edited: null,
  };
}

function indexOf(n: number): { texts: Texts; docs: Doc[] } {
  const texts = new Texts();
  const docs: Doc[] = [];
  for (let i = 0; i < n; i++) {
    const words = Array.from({ length: 3 + Math.floor(random() * 8) }, () => pick(vocabulary));
    const d = doc(i, words.join(' '));
    docs.push(d);
    texts.add(d);
  }
  return { texts, docs };
}

const ids = (texts: Texts, q: string) =>
  [...texts.matches(parseQuery(q), () => true)].flatMap((m) => (m ? [m[0].id] : [])).sort();

/**
 * Every word of the query looked up, as one index search would if nothing bounded it,
 * but a phrase's last word of one letter, which the phrase check takes as a prefix.
 */
function unbounded(docs: Doc[], q: string): string[] {
  const mini = new MiniSearch<Doc>({ fields: ['text'], tokenize, processTerm: (t) => t });
  mini.addAll(docs);
  const query = parseQuery(q);
  const every: string[] = [];
  for (const m of q.matchAll(/"([^"]*)"/g)) {
    const words = tokenize(m[1] ?? '');
    if (words.length > 1 && termLength(words.at(-1) ?? '') === 1) words.pop();
    every.push(...words);
  }
  every.push(...tokenize(q.replaceAll(/"[^"]*"/g, ' ')));
  if (every.length === 0) return [];
  return mini
    .search(every.join(' '), {
      combineWith: 'AND',
      prefix: (t) => t.length >= 2 || isUnspacedChar(t) || t === query.typing,
      fuzzy: (t) => (t.length >= 5 && !isUnspacedTerm(t) ? 1 : false),
      tokenize: (words) => words.split(' '),
      processTerm: (t) => t,
    })
    .map((r) => docs.find((d) => d.id === r.id) as Doc)
    .filter((d) => query.phrases.every((p) => phraseForm(d.text).includes(p)))
    .map((d) => d.id)
    .sort();
}

afterEach(() => vi.restoreAllMocks());

describe('what a search query costs', () => {
  it('matches what looking up every word matches, phrases and repeats included', () => {
    const { texts, docs } = indexOf(400);
    let phrased = 0;
    for (let k = 0; k < 300; k++) {
      // Most queries come from one text, so that long ones and phrases match too.
      const own = random() < 0.7 ? pick(docs).text.split(' ') : null;
      const words = Array.from({ length: 1 + Math.floor(random() * maxSearchWords) }, () =>
        (own ? pick(own) : pick(vocabulary)).slice(0, 1 + Math.floor(random() * 8)),
      );
      let q = words.join(' ');
      if (own && random() < 0.5) {
        // A run of the text's own words, the last one maybe cut short, in quotes.
        const at = Math.floor(random() * own.length);
        const run = own.slice(at, at + 2 + Math.floor(random() * 4));
        const last = run.length - 1;
        run[last] = (run[last] ?? '').slice(0, 1 + Math.floor(random() * 6));
        q = `"${run.join(' ')}" ${words.slice(0, 2).join(' ')}`;
      }
      const expected = unbounded(docs, q);
      expect(ids(texts, q), q).toEqual(expected);
      if (q.startsWith('"') && expected.length > 0) phrased++;
    }
    // Phrases that match something, so whose unlooked-up words count, were among them.
    expect(phrased).toBeGreaterThan(30);
  });

  it('takes a one-letter word as a word, but the one being typed and a Chinese or Japanese one', () => {
    const texts = new Texts();
    texts.add(doc(0, 'deploy the x'));
    texts.add(doc(1, 'deploy now'));
    texts.add(doc(2, '猫が好きです'));
    expect(ids(texts, 'd x')).toEqual([]);
    expect(ids(texts, 'x d')).toEqual(['m0']);
    expect(ids(texts, 'd')).toEqual(['m0', 'm1']);
    expect(ids(texts, '猫')).toEqual(['m2']);
    expect(ids(texts, '好 deploy')).toEqual([]);
    expect(ids(texts, '好 猫')).toEqual(['m2']);
  });

  it('looks up each word once, and two words of a quoted phrase', () => {
    const { texts } = indexOf(50);
    const search = vi.spyOn(MiniSearch.prototype, 'search');
    ids(texts, Array(100).fill('a').join(' '));
    expect(search.mock.calls.at(-1)?.[0]).toBe('a');
    const phrase = 'the deployment went out at noon and then the release of the database';
    ids(texts, `"${phrase}" now`);
    expect(tokenize(String(search.mock.calls.at(-1)?.[0])).sort()).toEqual(
      ['deployment', 'now', 'the'].sort(),
    );
    expect(parseQuery(`"${phrase}"`).words).toEqual(['deployment', 'the']);
  });

  it('folds ASCII text on its fast path exactly as character by character', () => {
    const all = Array.from({ length: 128 }, (_, i) => String.fromCharCode(i)).join('');
    for (let k = 0; k < 200; k++) {
      const text = Array.from({ length: Math.floor(random() * 40) }, () => pick([...all])).join('');
      // One character past ASCII sends the same text down the character-by-character path.
      const slow = fold(`${text}é`);
      const fast = fold(text);
      expect(fast.folded).toBe(slow.folded.slice(0, -1));
      expect(fast.map).toEqual(slow.map.slice(0, -1));
      expect(foldText(text)).toBe(fast.folded);
    }
  });
});

describe('search.query', () => {
  let services: Services;
  let caller: Awaited<ReturnType<typeof newUser>>['caller'];
  beforeAll(async () => {
    services = await testServices();
    ({ caller } = await newUser(services));
    const s = await caller.session.create({ title: 'words' });
    await caller.message.send({
      sessionId: s.id,
      content: 'one two three four five six seven eight nine',
    });
  });
  afterAll(() => closeServices(services));

  it(`looks up a long question's ${maxSearchWords} longest words, leaving the shortest out`, async () => {
    const question = 'one two three four five six seven eight nine zz';
    expect(parseQuery(question).words).toHaveLength(maxSearchWords);
    expect(parseQuery(question).words).not.toContain('zz');
    expect((await caller.search.query({ q: question })).items).toHaveLength(1);
    expect(
      (await caller.search.query({ q: 'one two three four five six seven eight nine' })).items,
    ).toHaveLength(1);
  });

  it(`refuses a user's searches past ${searchesAtOnce} at once with a retryable TOO_MANY_REQUESTS`, async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, () => caller.search.query({ q: 'one' })),
    );
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) {
      expect((r as PromiseRejectedResult).reason).toMatchObject({
        code: 'TOO_MANY_REQUESTS',
        message: `At most ${searchesAtOnce} searches at once. Try again in a moment.`,
      });
    }
    expect(results.length - refused.length).toBeGreaterThanOrEqual(searchesAtOnce);
    // Once they are done, the user searches again.
    expect((await caller.search.query({ q: 'one' })).items).toHaveLength(1);
  });

  it('runs each match in its turn', async () => {
    const run = vi.spyOn(Turns.prototype, 'run');
    await Promise.all([caller.search.query({ q: 'one' }), caller.search.query({ q: 'two' })]);
    expect(run).toHaveBeenCalledTimes(2);
  });
});
