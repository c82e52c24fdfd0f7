// A query's cost is bounded by its distinct words, never by how often they repeat,
// and at most `lookedUp` of them are looked up in the index: the rest are checked on
// the texts found. What matches is the same as looking every word up: each word a
// prefix, or one edit away from five letters on, and every quoted phrase as it is.
import MiniSearch from 'minisearch';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fold, foldText, parseQuery, tokenize } from '../../src/search/text';
import { type Doc, lookedUp, Texts, withinOneEdit } from '../../src/search/texts';

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
  [...texts.matches(parseQuery(q), () => true)].map(([d]) => d.id).sort();

/** Every word of the query looked up, as one index search would if nothing bounded it. */
function unbounded(docs: Doc[], q: string): string[] {
  const mini = new MiniSearch<Doc>({ fields: ['text'], tokenize, processTerm: (t) => t });
  mini.addAll(docs);
  const query = parseQuery(q);
  if (tokenize(query.text).length === 0) return [];
  return mini
    .search(query.text, {
      combineWith: 'AND',
      prefix: true,
      fuzzy: (t) => (t.length >= 5 ? 1 : false),
      tokenize,
      processTerm: (t) => t,
    })
    .map((r) => docs.find((d) => d.id === r.id) as Doc)
    .filter((d) => query.phrases.every((p) => tokenize(d.text).join(' ').includes(p)))
    .map((d) => d.id)
    .sort();
}

afterEach(() => vi.restoreAllMocks());

describe('what a search query costs', () => {
  it('matches what looking up every word matches, for queries of up to 9 words', () => {
    const { texts, docs } = indexOf(400);
    let compared = 0;
    for (let k = 0; k < 200; k++) {
      // Half the queries are prefixes of one text's own words, so that long ones match too.
      const from = random() < 0.5 ? tokenize(pick(docs).text) : null;
      const words = Array.from({ length: 1 + Math.floor(random() * 9) }, () =>
        (from ? pick(from) : pick(vocabulary)).slice(0, 1 + Math.floor(random() * 8)),
      );
      const q =
        random() < 0.2
          ? `"${words.slice(0, 2).join(' ')}" ${words.slice(2).join(' ')}`
          : words.join(' ');
      const expected = unbounded(docs, q);
      expect(ids(texts, q), q).toEqual(expected);
      if (new Set(words).size > lookedUp && expected.length > 0) compared++;
    }
    // Queries past the lookup bound that match something were among them.
    expect(compared).toBeGreaterThan(20);
  });

  it(`looks up at most ${lookedUp} distinct words, the longest, however long the query`, () => {
    const { texts } = indexOf(50);
    const search = vi.spyOn(MiniSearch.prototype, 'search');
    ids(texts, Array(100).fill('a').join(' '));
    expect(search.mock.calls.at(-1)?.[0]).toBe('a');
    ids(texts, 'a b c d e f g h i j k l m n o p q r s t u v w x y z deployment');
    const looked = tokenize(String(search.mock.calls.at(-1)?.[0]));
    expect(looked).toHaveLength(lookedUp);
    expect(looked[0]).toBe('deployment');
  });

  it('one edit is one insertion, deletion or substitution', () => {
    expect(withinOneEdit('database', 'databse')).toBe(true);
    expect(withinOneEdit('databse', 'database')).toBe(true);
    expect(withinOneEdit('morning', 'mourning')).toBe(true);
    expect(withinOneEdit('morning', 'morninf')).toBe(true);
    expect(withinOneEdit('morning', 'morning')).toBe(true);
    expect(withinOneEdit('morning', 'mroning')).toBe(false);
    expect(withinOneEdit('release', 'relapse')).toBe(false);
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
