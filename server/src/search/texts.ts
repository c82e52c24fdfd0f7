// The texts of one user's search index: MiniSearch over their chats' titles and
// messages, each kept beside it as the hit it would answer, and the heap they hold.
import type { Message } from '@parley/shared';
import MiniSearch from 'minisearch';
import type { BucketEntry } from '../db/documents';
import { idString } from '../db/ids';
import {
  isUnspacedChar,
  isUnspacedScript,
  isUnspacedTerm,
  type ParsedQuery,
  phraseForm,
  termText,
  tokenize,
} from './text';

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

/**
 * Distinct terms indexed of one text, the first ones it holds: what bounds the
 * cost of indexing it (a 32,000-character Chinese text holds some 30,000 distinct
 * pairs). A text that holds more is found by the rest of its words too, checked
 * in its text (Texts.matches).
 */
export const maxTermsPerText = 2_000;

export class Texts {
  private readonly mini = new MiniSearch<Doc>({
    fields: ['text'],
    tokenize: (text) => this.indexedTerms(text),
    processTerm: (t) => t,
    // A search is given the query's words already as the index spells them.
    searchOptions: { tokenize: (words) => words.split(' '), processTerm: (t) => t },
  });
  private readonly docs = new Map<string, Doc>();
  /**
   * Texts holding more than maxTermsPerText distinct terms, indexed in part, each
   * with its phrase form (a space first), kept to look its words up in.
   */
  private readonly partial = new Map<string, string>();
  /** Set by indexedTerms: the text last indexed held more terms than it kept. */
  private lastCut = false;
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
    if (this.lastCut) {
      const text = ` ${phraseForm(doc.text)}`;
      this.partial.set(doc.id, text);
      this.bytes += text.length * 2;
    }
    this.docs.set(doc.id, doc);
    this.bytes += doc.text.length * 2 + bytesPerDoc;
  }

  remove(id: string): void {
    const doc = this.docs.get(id);
    if (!doc) return;
    this.mini.discard(id);
    this.docs.delete(id);
    this.bytes -= doc.text.length * 2 + bytesPerDoc + (this.partial.get(id)?.length ?? 0) * 2;
    this.partial.delete(id);
  }

  /** The terms of `text` the index holds: every occurrence of its first maxTermsPerText distinct ones. */
  private indexedTerms(text: string): string[] {
    const terms = tokenize(text);
    const kept = new Set<string>();
    this.lastCut = false;
    for (const t of terms) {
      if (kept.size < maxTermsPerText) kept.add(t);
      else if (!kept.has(t)) {
        this.lastCut = true;
        break;
      }
    }
    return this.lastCut ? terms.filter((t) => kept.has(t)) : terms;
  }

  /**
   * The texts `shown` allows that match, best first, with the terms that matched:
   * every word matches (a prefix, or within one edit for words of five letters or
   * more), every quoted phrase appears as it is. Each word looked up costs a pass
   * over the texts it prefixes: parseQuery names each once, and a search looks up
   * at most maxSearchWords. Texts indexed in part that the index did not find come
   * last, each word looked for in the text itself (as the start of a word, with no
   * edit allowed). Each candidate checked yields: a match, or null for one that
   * failed a check, so the caller can give the event loop a turn between any two.
   */
  *matches(query: ParsedQuery, shown: (doc: Doc) => boolean): Generator<[Doc, string[]] | null> {
    if (query.words.length === 0) return;
    const results = this.mini.search(query.words.join(' '), {
      combineWith: 'AND',
      // A one-letter word as a prefix is a pass over nearly every text: only the one
      // being typed is one. One Chinese or Japanese character is found as the start of
      // the pairs it is stored in.
      prefix: (term) => term.length >= 2 || isUnspacedChar(term) || term === query.typing,
      fuzzy: (term) => (term.length >= 5 && !isUnspacedTerm(term) ? 1 : false),
      filter: (r) => {
        const doc = this.docs.get(r.id as string);
        return doc !== undefined && shown(doc);
      },
    });
    const found = new Set<string>();
    for (const r of results) {
      const doc = this.docs.get(r.id as string);
      if (!doc) continue;
      found.add(doc.id);
      yield hasPhrases(doc, query) ? [doc, r.terms] : null;
    }
    for (const [id, text] of [...this.partial]) {
      const doc = this.docs.get(id);
      if (!doc || found.has(id) || !shown(doc)) continue;
      yield hasAll(text, query) ? [doc, query.words] : null;
    }
  }
}

function hasPhrases(doc: Doc, query: ParsedQuery): boolean {
  if (query.phrases.length === 0) return true;
  const text = phraseForm(doc.text);
  return query.phrases.every((p) => text.includes(p));
}

/** Every word and phrase of the query, looked for in the text itself. */
function hasAll(text: string, query: ParsedQuery): boolean {
  const has = (w: string) => (isUnspacedTerm(w) ? text.includes(termText(w)) : startsWord(text, w));
  return query.words.every(has) && query.phrases.every((p) => text.includes(p));
}

/** True where `word` stands in `text` at the start of a word, or right after Chinese or Japanese. */
function startsWord(text: string, word: string): boolean {
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
    const before = text.codePointAt(at - 1) ?? 32;
    if (before === 32 || isUnspacedScript(String.fromCodePoint(before))) return true;
  }
  return false;
}
