import { describe, expect, it } from 'vitest';
import { folderNameSchema } from './api';
import { limits } from './limits';
import { characterCount, contentSchema, isWellFormed, titleSchema } from './text';

describe('text rules', () => {
  it('counts code points: an emoji is one, a modified emoji is its parts', () => {
    expect(characterCount('👋')).toBe(1); // two UTF-16 units, one code point
    expect(characterCount('👋🏽')).toBe(2); // hand + skin-tone modifier: two code points
    expect(characterCount('é')).toBe(1);
  });

  it('trims titles and refuses empty, NUL and over-long ones', () => {
    expect(titleSchema.parse('  Plans  ')).toBe('Plans');
    expect(titleSchema.safeParse('   ').success).toBe(false);
    expect(titleSchema.safeParse('a\u0000b').error?.issues[0]?.message).toMatch(/NUL/);
    expect(titleSchema.safeParse('x'.repeat(limits.titleMax + 1)).success).toBe(false);
    expect(titleSchema.safeParse(` ${'x'.repeat(limits.titleMax)} `).success).toBe(true);
  });

  it('refuses a title of only zero-width or other invisible characters, keeping a real one as typed', () => {
    for (const t of [
      '\u200B',
      '\u200B\u200C\u200D',
      ' \u2060\uFEFF ',
      '\u00AD\u034F',
      '\u3164',
      '\u2800\u180E',
    ]) {
      expect(titleSchema.safeParse(t).error?.issues[0]?.message).toMatch(/must not be empty/);
    }
    expect(titleSchema.parse(' a\u200Bb ')).toBe('a\u200Bb');
    expect(titleSchema.parse('\u200B👋')).toBe('\u200B👋');
  });

  it('keeps content exactly, checking its length after trimming', () => {
    const code = '    indented\n\tcode  ';
    expect(contentSchema.parse(code)).toBe(code);
    expect(contentSchema.safeParse('x'.repeat(limits.contentMax + 1)).success).toBe(false);
    expect(contentSchema.safeParse('\n \t').success).toBe(false);
  });

  it('bounds the whitespace around content, so what is stored stays bounded', () => {
    const full = 'x'.repeat(limits.contentMax);
    const around = ' '.repeat(limits.surroundingWhitespaceMax);
    // Leading and trailing whitespace is kept and not counted, up to a bound.
    expect(contentSchema.parse(`\n${full}${around.slice(1)}`)).toBe(`\n${full}${around.slice(1)}`);
    const padded = contentSchema.safeParse(`${full}${' '.repeat(1_000_000)}`);
    expect(padded.error?.issues.map((i) => i.message)).toEqual([
      'Message must have at most 1,000 characters of whitespace around it',
    ]);
    expect(contentSchema.safeParse(`x${around} `).success).toBe(false);
    expect(titleSchema.safeParse(`Plans${' '.repeat(5_000)}`).success).toBe(false);
  });

  it('counts an emoji message by characters, not UTF-16 units', () => {
    expect(contentSchema.safeParse('👋'.repeat(limits.contentMax)).success).toBe(true);
    expect(contentSchema.safeParse('👋'.repeat(limits.contentMax + 1)).success).toBe(false);
  });

  it('refuses unpaired surrogates in titles, messages and folder names, keeping real pairs', () => {
    for (const bad of ['uni \ud800 title', 'x\udc00', '\ud83d', 'a\udc4b\ud83d b']) {
      expect(isWellFormed(bad)).toBe(false);
      expect(titleSchema.safeParse(bad).error?.issues[0]?.message).toMatch(/unpaired surrogate/);
      expect(contentSchema.safeParse(bad).error?.issues[0]?.message).toMatch(/unpaired surrogate/);
      expect(folderNameSchema.safeParse(bad).error?.issues[0]?.message).toMatch(
        /unpaired surrogate/,
      );
    }
    for (const good of ['👋 hello', '\ud83d\udc4b', '𝒳 and 😀']) {
      expect(isWellFormed(good)).toBe(true);
      expect(titleSchema.parse(good)).toBe(good);
      expect(contentSchema.parse(good)).toBe(good);
    }
  });
});
