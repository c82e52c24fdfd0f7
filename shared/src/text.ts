import { z } from 'zod';
import { limits } from './limits';

/** Length in characters as a person counts them (code points, so an emoji is one). */
export function characterCount(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
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

/** A session title: stored trimmed. */
export const titleSchema = boundedText('Title', limits.titleMax).transform((s) => s.trim());

/** Message content: checked after trimming, stored exactly as written (indentation matters). */
export const contentSchema = boundedText('Message', limits.contentMax);
