// A hit's snippet: plain text of about snippetMax characters around the first
// match, and where each matched word stands in it.
import { searchLimits } from '@parley/shared';
import { fold, tokensOf } from './text';

export interface Snippet {
  snippet: string;
  highlights: Array<[number, number]>;
}

const ellipsis = '…';

/** Ranges of `text` (original offsets) holding one of the folded `terms`, in order, merged. */
export function matchRanges(text: string, terms: Set<string>): Array<[number, number]> {
  const { folded, map } = fold(text);
  const out: Array<[number, number]> = [];
  for (const t of tokensOf(folded)) {
    if (!terms.has(t.term)) continue;
    const start = map[t.start] ?? 0;
    const end = map[t.end] ?? text.length;
    const last = out.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}

/** The snippet of `text` around its first match of `terms`. */
export function snippetOf(
  text: string,
  terms: Set<string>,
  max = searchLimits.snippetMax,
): Snippet {
  const flat = text.replace(/\s+/g, ' ');
  const ranges = matchRanges(flat, terms);
  if (flat.length <= max) return { snippet: flat, highlights: ranges };
  const first = ranges[0] ?? [0, 0];
  // About a third of the room before the match, the rest after it.
  let start = Math.max(0, Math.min(first[0] - Math.floor(max / 3), flat.length - max));
  let end = Math.min(flat.length, start + max);
  if (start > 0) {
    const space = flat.indexOf(' ', start);
    if (space >= 0 && space < first[0]) start = space + 1;
  }
  if (end < flat.length) {
    const space = flat.lastIndexOf(' ', end);
    if (space > Math.max(start, first[1])) end = space;
  }
  const head = start > 0 ? ellipsis : '';
  const tail = end < flat.length ? ellipsis : '';
  const shift = head.length - start;
  const highlights = ranges
    .filter(([s, e]) => s >= start && e <= end)
    .map(([s, e]): [number, number] => [s + shift, e + shift]);
  return { snippet: head + flat.slice(start, end) + tail, highlights };
}
