import { z } from 'zod';
import { limits } from './limits';

/** Length in characters as a person counts them (code points, so an emoji is one). */
export function characterCount(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** Shows nothing: whitespace, controls, format and other default-ignorable characters, the braille blank. */
const invisible = /[\s\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\u2800]/gu;

/** True when the text has something to see; zero-width characters alone do not count. */
export function hasVisibleCharacter(text: string): boolean {
  return text.replace(invisible, '').length > 0;
}

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * True when every UTF-16 surrogate is half of a pair. A lone one is no character: the
 * database stores it as U+FFFD, so what was sent would not be what is read back.
 */
export function isWellFormed(text: string): boolean {
  return !loneSurrogate.test(text);
}

/** The text with each unpaired surrogate made U+FFFD, as the database would store it. */
export function wellFormed(text: string): string {
  return isWellFormed(text) ? text : text.replace(new RegExp(loneSurrogate, 'g'), '\uFFFD');
}

/**
 * Text of at most `max` characters once trimmed, with at most
 * limits.surroundingWhitespaceMax characters of whitespace around it (what
 * String#trim removes is never a surrogate pair, so its UTF-16 length is its
 * character count). The whole is bounded first, in UTF-16 units (two per
 * character at most) and without reading it, so a huge input is refused first.
 */
function boundedText(what: string, max: number) {
  const rawMax = max + limits.surroundingWhitespaceMax;
  const tooLong = `${what} must be at most ${max.toLocaleString('en')} characters`;
  const around = limits.surroundingWhitespaceMax.toLocaleString('en');
  const tooMuchAround = `${what} must have at most ${around} characters of whitespace around it`;
  return z
    .string({ error: `${what} must be text` })
    .max(2 * rawMax, { message: tooMuchAround, abort: true })
    .refine((s) => !s.includes('\u0000'), `${what} must not contain NUL characters`)
    .refine(isWellFormed, `${what} must not contain unpaired surrogate characters`)
    .refine((s) => s.trim().length > 0, `${what} must not be empty`)
    .refine((s) => characterCount(s.trim()) <= max, tooLong)
    .refine((s) => s.length - s.trim().length <= limits.surroundingWhitespaceMax, tooMuchAround);
}

/** A session title: stored trimmed, otherwise as typed; invisible characters alone are empty. */
export const titleSchema = boundedText('Title', limits.titleMax)
  .refine((s) => s.trim().length === 0 || hasVisibleCharacter(s), 'Title must not be empty')
  .transform((s) => s.trim());

/**
 * Message content: 1–32,000 characters after trimming, stored exactly as written
 * (indentation matters), so whitespace around it counts toward what is stored:
 * at most limits.surroundingWhitespaceMax characters of it.
 */
export const contentSchema = boundedText('Message', limits.contentMax);
