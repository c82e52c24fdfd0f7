// Search hits grouped by chat, best chat first, each keeping its hits' order.
import type { RouterOutputs } from '../trpc/types';

export type SearchHit = RouterOutputs['search']['query']['items'][number];

export interface HitGroup {
  sessionId: string;
  title: string;
  hits: Array<{ hit: SearchHit; index: number }>;
}

export function groupHits(hits: SearchHit[]): HitGroup[] {
  const groups = new Map<string, HitGroup>();
  hits.forEach((hit, index) => {
    let group = groups.get(hit.session.id);
    if (!group) {
      group = { sessionId: hit.session.id, title: hit.session.title, hits: [] };
      groups.set(hit.session.id, group);
    }
    group.hits.push({ hit, index });
  });
  return [...groups.values()];
}

/** The snippet cut at its highlights: text and marked parts, in order. */
export function snippetParts(
  snippet: string,
  highlights: Array<[number, number]>,
): Array<{ text: string; marked: boolean }> {
  const parts: Array<{ text: string; marked: boolean }> = [];
  let at = 0;
  for (const [start, end] of [...highlights].sort((a, b) => a[0] - b[0])) {
    if (start < at || end > snippet.length || end <= start) continue;
    if (start > at) parts.push({ text: snippet.slice(at, start), marked: false });
    parts.push({ text: snippet.slice(start, end), marked: true });
    at = end;
  }
  if (at < snippet.length) parts.push({ text: snippet.slice(at), marked: false });
  return parts;
}
