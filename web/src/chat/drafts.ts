// What the person was writing in each chat, kept in localStorage so it survives a
// reload and a switch to another chat. Bounded: the newest drafts, within a size.
import { limits } from '@parley/shared';
import { readJson, writeJson } from './localStore';

export const draftsMax = 50;
/** Characters kept across all drafts (localStorage holds about 5 million in all). */
export const draftsCharsMax = 200_000;

interface Draft {
  text: string;
  at: number;
}
type Drafts = Record<string, Draft>;

const keyOf = (owner: string) => `parley.drafts.${owner}`;

function readAll(owner: string): Drafts {
  const value = readJson(keyOf(owner));
  if (!value || typeof value !== 'object') return {};
  const out: Drafts = {};
  for (const [id, d] of Object.entries(value as Record<string, unknown>)) {
    const draft = d as Partial<Draft> | null;
    if (typeof draft?.text === 'string' && typeof draft.at === 'number') out[id] = draft as Draft;
  }
  return out;
}

export function readDraft(owner: string, sessionId: string): string {
  return readAll(owner)[sessionId]?.text ?? '';
}

/** Forgets every draft of `owner`: this browser keeps none of a person who signed out. */
export function forgetDrafts(owner: string): void {
  writeJson(keyOf(owner), null);
}

/** Saves a chat's draft ('' forgets it), dropping the oldest drafts beyond the bounds. */
export function writeDraft(owner: string, sessionId: string, text: string, now = Date.now()): void {
  const all = readAll(owner);
  delete all[sessionId];
  if (text) all[sessionId] = { text: text.slice(0, limits.contentMax * 2), at: now };
  const kept: Drafts = {};
  let chars = 0;
  const newestFirst = Object.entries(all).sort(([, a], [, b]) => b.at - a.at);
  for (const [id, draft] of newestFirst.slice(0, draftsMax)) {
    chars += draft.text.length;
    if (chars > draftsCharsMax) break;
    kept[id] = draft;
  }
  writeJson(keyOf(owner), Object.keys(kept).length > 0 ? kept : null);
}
