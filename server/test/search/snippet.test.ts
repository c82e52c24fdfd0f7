// Snippets: about 200 characters around the first match of a long text, cut at
// spaces, with each highlight on the matched word as the text spells it.
import { describe, expect, it } from 'vitest';
import { snippetOf } from '../../src/search/snippet';
import { termText, tokenize, tokensOf } from '../../src/search/text';

const marked = (s: { snippet: string; highlights: Array<[number, number]> }) =>
  s.highlights.map(([a, b]) => s.snippet.slice(a, b));

describe('snippets', () => {
  it('cuts a long text around the first match, at spaces, marking the words as written', () => {
    const text = `${'lorem ipsum '.repeat(40)}we shipped the Déploiement today ${'dolor sit '.repeat(40)}`;
    const s = snippetOf(text, new Set(['deploiement']));
    expect(s.snippet.length).toBeLessThanOrEqual(202);
    expect(s.snippet.startsWith('…')).toBe(true);
    expect(s.snippet.endsWith('…')).toBe(true);
    expect(s.snippet).toContain('we shipped the Déploiement today');
    expect(marked(s)).toEqual(['Déploiement']);
    expect(s.snippet.slice(1, 2)).not.toBe(' ');
  });

  it('marks character pairs of unspaced text as one run', () => {
    const s = snippetOf('東京タワーに行きました', new Set(tokenize('タワー')));
    expect(marked(s)).toEqual(['タワー']);
  });

  it('folds whitespace and keeps a short text whole', () => {
    const s = snippetOf('one\n\ntwo   three', new Set(['two']));
    expect(s.snippet).toBe('one two three');
    expect(marked(s)).toEqual(['two']);
  });

  it('tokenises mixed scripts: words stay whole, unspaced runs become pairs', () => {
    expect(tokensOf('release東京タワーv2').map((t) => termText(t.term))).toEqual([
      'release',
      '東京',
      '京タ',
      'タワ',
      'ワー',
      'v2',
    ]);
  });
});
