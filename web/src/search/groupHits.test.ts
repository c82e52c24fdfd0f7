import { describe, expect, it } from 'vitest';
import { snippetParts } from './groupHits';

describe('snippetParts', () => {
  it('marks each highlight once and keeps the text around it', () => {
    expect(snippetParts('we deploy now', [[3, 9]])).toEqual([
      { text: 'we ', marked: false },
      { text: 'deploy', marked: true },
      { text: ' now', marked: false },
    ]);
  });

  it('ignores ranges that overlap, run past the end or are empty', () => {
    expect(
      snippetParts('abcdef', [
        [0, 2],
        [1, 3],
        [4, 4],
        [5, 9],
      ]),
    ).toEqual([
      { text: 'ab', marked: true },
      { text: 'cdef', marked: false },
    ]);
  });
});
