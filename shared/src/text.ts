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

function boundedText(what: string, max: number) {
  return z
    .string({ error: `${what} must be text` })
    .refine((s) => !s.includes('\u0000'), `${what} must not contain NUL characters`)
    .refine((s) => s.trim().length > 0, `${what} must not be empty`)
    .refine(
      (s) => characterCount(s.trim()) <= max,
      `${what} must be at most ${max.toLocaleString('en')} characters`,
    );
}

/** A session title: stored trimmed, otherwise as typed; invisible characters alone are empty. */
export const titleSchema = boundedText('Title', limits.titleMax)
  .refine((s) => s.trim().length === 0 || hasVisibleCharacter(s), 'Title must not be empty')
  .transform((s) => s.trim());

/** Message content: checked after trimming, stored exactly as written (indentation matters). */
export const contentSchema = boundedText('Message', limits.contentMax);
