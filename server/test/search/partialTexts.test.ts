// A text of more distinct terms than the index takes of one (maxTermsPerText) is
// indexed in part; the rest of its words are found in its text, kept folded beside
// it and counted in the index's heap, and forgotten with it.
import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../src/search/text';
import { type Doc, maxTermsPerText, Texts } from '../../src/search/texts';

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

/** Distinct Han characters, so every pair is a distinct term. */
const han = (from: number, n: number) =>
  Array.from({ length: n }, (_, k) => String.fromCharCode(0x4e00 + from + k)).join('');

const ids = (texts: Texts, q: string) =>
  [...texts.matches(parseQuery(q), () => true)].flatMap((m) => (m ? [m[0].id] : []));

describe('texts indexed in part', () => {
  it('finds the words past what is indexed, in the text itself, and forgets them with it', () => {
    const texts = new Texts();
    texts.add(doc(0, `${han(0, maxTermsPerText + 500)} 終点 deployment`));
    texts.add(doc(1, 'short 終点 text'));
    const held = texts.bytes;
    expect(ids(texts, '終点').sort()).toEqual(['m0', 'm1']);
    expect(ids(texts, 'deploy')).toEqual(['m0']);
    expect(ids(texts, 'ployment')).toEqual([]);
    expect(ids(texts, `"${han(maxTermsPerText + 100, 3)}"`)).toEqual(['m0']);
    texts.remove('m0');
    expect(ids(texts, 'deploy')).toEqual([]);
    expect(ids(texts, '終点')).toEqual(['m1']);
    // The folded copy was counted, and is given back.
    expect(held - texts.bytes).toBeGreaterThan((maxTermsPerText + 500) * 2 * 2);
    texts.remove('m1');
    expect(texts.bytes).toBe(0);
  });
});
