// Folding a whole text at once (what the index and phrase checks use) gives what
// folding it a character at a time gives (what highlights are mapped through),
// and Greek's final sigma folds as any sigma, so "ΛΟΓΟΣ", "λόγος" and "λογοσ" meet.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fold, foldText, tokenize } from '../../src/search/text';

const pieces = [
  'Σ',
  'ς',
  'σ',
  'ΟΔΟΣ ',
  'İ',
  'ß',
  'Å',
  'é',
  'e\u0301',
  'ǅ',
  '한글',
  '日本',
  'A',
  ' ',
  '.',
  '😀',
];

describe('folding', () => {
  it('is the same whole and a character at a time', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...pieces), fc.string({ unit: 'grapheme' })), {
          maxLength: 20,
        }),
        (parts) => {
          const text = parts.join('');
          expect(foldText(text)).toBe(fold(text).folded);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('takes a final sigma as a sigma', () => {
    expect(tokenize('ΛΟΓΟΣ λόγος λογοσ')).toEqual(['λογοσ', 'λογοσ', 'λογοσ']);
  });
});
