// The texts of one user's search index: MiniSearch over their chats' titles and
// messages, each kept beside it as the hit it would answer, and the heap they hold.
import type { Message } from '@parley/shared';
import MiniSearch from 'minisearch';
import type { BucketEntry } from '../db/documents';
import { idString } from '../db/ids';
import { type ParsedQuery, phraseForm, tokenize } from './text';

/** One indexed text: a chat's title (seq 0) or one message. */
export interface Doc {
  id: string;
  /** The chat's id. */
  s: string;
  seq: number;
  text: string;
  role: Message['role'];
  /** The sender's id, created and updated in ms, clientId: the rest of the Message. */
  from: string;
  at: number;
  up: number;
  client: string | null;
  /** edited_at in ms, for a message edited since it was sent. */
  edited: number | null;
}

/** A rough heap cost per indexed text beyond its characters, measured by the search bench. */
export const bytesPerDoc = 1_500;

/** A stored message as an indexed text of chat `sessionId`. */
export function messageDoc(m: BucketEntry, sessionId: string): Doc {
  return {
    id: idString(m._id),
    s: sessionId,
    seq: m.seq,
    text: m.content,
    role: m.role,
    from: idString(m.user_id),
    at: m.created_at.getTime(),
    up: m.updated_at.getTime(),
    client: m.client_id ?? null,
    edited: m.edited_at instanceof Date ? m.edited_at.getTime() : null,
  };
}

/** An indexed text as the Message a hit shows; null for a title. */
export function messageOf(doc: Doc): Message | null {
  if (doc.seq === 0) return null;
  return {
    id: doc.id,
    sessionId: doc.s,
    userId: doc.from,
    seq: doc.seq,
    role: doc.role,
    content: doc.text,
    createdAt: new Date(doc.at),
    updatedAt: new Date(doc.up),
    clientId: doc.client,
    editedAt: doc.edited === null ? null : new Date(doc.edited),
  };
}

export class Texts {
  private readonly mini = new MiniSearch<Doc>({
    fields: ['text'],
    tokenize,
    processTerm: (t) => t,
    searchOptions: { tokenize, processTerm: (t) => t },
  });
  private readonly docs = new Map<string, Doc>();
  /** Rough heap held, in bytes: what the memory cap counts. */
  bytes = 0;

  get size(): number {
    return this.docs.size;
  }

  get(id: string): Doc | undefined {
    return this.docs.get(id);
  }

  add(doc: Doc): void {
    if (this.docs.has(doc.id)) this.remove(doc.id);
    this.mini.add(doc);
    this.docs.set(doc.id, doc);
    this.bytes += doc.text.length * 2 + bytesPerDoc;
  }

  remove(id: string): void {
    const doc = this.docs.get(id);
    if (!doc) return;
    this.mini.discard(id);
    this.docs.delete(id);
    this.bytes -= doc.text.length * 2 + bytesPerDoc;
  }

  /**
   * The texts `shown` allows that match, best first, with the terms that matched:
   * every word matches (a prefix, or within one edit for words of five letters or
   * more), every quoted phrase appears as it is. Each word the index looks up costs
   * a pass over every text it prefixes, so a query's words count once, and only
   * its longest few are looked up; the others are checked on the texts found.
   */
  *matches(query: ParsedQuery, shown: (doc: Doc) => boolean): Generator<[Doc, string[]]> {
    const words = [...new Set(tokenize(query.text))].sort((a, b) => b.length - a.length);
    if (words.length === 0) return;
    const checked = words.slice(lookedUp);
    const results = this.mini.search(words.slice(0, lookedUp).join(' '), {
      combineWith: 'AND',
      prefix: true,
      fuzzy: (term) => (term.length >= fuzzyFrom ? 1 : false),
      filter: (r) => {
        const doc = this.docs.get(r.id as string);
        return doc !== undefined && shown(doc);
      },
    });
    for (const r of results) {
      const doc = this.docs.get(r.id as string);
      if (!doc || !hasPhrases(doc, query)) continue;
      const also = checked.length > 0 ? matchedIn(doc.text, checked) : [];
      if (also) yield [doc, [...r.terms, ...also]];
    }
  }
}

/** Words of a query looked up in the index; the rest are checked on each text found. */
export const lookedUp = 4;
/** Words this long or longer also match within one edit. */
const fuzzyFrom = 5;

/** The text's words matching each of `words` as the index matches; null when one has none. */
function matchedIn(text: string, words: string[]): string[] | null {
  const own = new Set(tokenize(text));
  const out: string[] = [];
  for (const w of words) {
    const before = out.length;
    for (const t of own) {
      if (t.startsWith(w) || (w.length >= fuzzyFrom && withinOneEdit(t, w))) out.push(t);
    }
    if (out.length === before) return null;
  }
  return out;
}

/** True when one insertion, deletion or substitution at most turns `a` into `b`. */
export function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) return a.slice(i + 1) === b.slice(i + 1);
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

function hasPhrases(doc: Doc, query: ParsedQuery): boolean {
  if (query.phrases.length === 0) return true;
  const text = phraseForm(doc.text);
  return query.phrases.every((p) => text.includes(p));
}
