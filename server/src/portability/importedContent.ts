// An imported message's text under message.send's rule (contentSchema): what a
// send would take is kept as written, anything else is made into what a send would
// take, or left out when nothing of it would be. Bounded: a huge text costs what
// the part of it that can be kept costs.
import { contentSchema, limits, wellFormed } from '@parley/shared';

/**
 * Pieces one imported message may become: 32 of contentMax characters, about a
 * million in all. What a message holds past them is left out and reported.
 */
export const maxPiecesPerMessage = 32;

export interface ImportedContent {
  /** The messages it becomes, in order: none when it has nothing in it. */
  pieces: string[];
  /** Text past the first maxPiecesPerMessage pieces' worth was left out (more than whitespace). */
  cut: boolean;
}

const sendable = (text: string) => contentSchema.safeParse(text).success;

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/** The index `count` characters after `from` (a surrogate pair is one), or the text's end. */
function afterCharacters(text: string, from: number, count: number): number {
  let at = from;
  for (let n = 0; n < count && at < text.length; n++) {
    at += isHigh(text.charCodeAt(at)) && isLow(text.charCodeAt(at + 1)) ? 2 : 1;
  }
  return at;
}

/**
 * `text` with no more whitespace around it than a send allows: past that, the
 * trailing whitespace goes, then the leading too if it alone is still too much
 * (so indentation stays when it can).
 */
function fitted(text: string): string {
  const allowed = limits.surroundingWhitespaceMax;
  if (text.length - text.trim().length <= allowed) return text;
  const end = text.trimEnd();
  return end.length - end.trimStart().length <= allowed ? end : end.trimStart();
}

/** The most of one message an import reads, as written: maxPiecesPerMessage pieces' worth. */
const readMax = maxPiecesPerMessage * limits.contentMax;

/**
 * What an imported message becomes: itself when a send would take it; otherwise,
 * without NULs, with unpaired surrogates as U+FFFD (what the database stores) and fitted within the whitespace a send allows, one message if a
 * send would take that, else pieces of at most contentMax characters (never inside
 * a surrogate pair), each fitted the same way, those with nothing in them dropped.
 * Only its first readMax characters are read, so at most maxPiecesPerMessage
 * pieces are made, whatever its length: the rest of a longer one is left out.
 */
export function importedContent(text: string): ImportedContent {
  const end = text.length > readMax ? afterCharacters(text, 0, readMax) : text.length;
  // A rest of whitespace only is no loss, but it is not read to the end to tell:
  // past the allowance, it is more whitespace than a send takes anyway.
  const rest = text.length - end;
  const cut = rest > limits.surroundingWhitespaceMax || (rest > 0 && text.slice(end).trim() !== '');
  const head = end < text.length ? text.slice(0, end) : text;
  const clean = fitted(wellFormed(head.includes('\u0000') ? head.replaceAll('\u0000', '') : head));
  if (sendable(clean)) return { pieces: [clean], cut };
  const pieces: string[] = [];
  for (let at = 0; at < clean.length; ) {
    const next = afterCharacters(clean, at, limits.contentMax);
    const piece = fitted(clean.slice(at, next));
    if (sendable(piece)) pieces.push(piece);
    at = next;
  }
  return { pieces, cut };
}
