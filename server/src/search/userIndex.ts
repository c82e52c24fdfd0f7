// One user's search index, in memory: MiniSearch over their chats' titles and
// messages. It knows up to which seq it has read each chat and catches up from the
// message buckets (by _id) against the user's session index, read by _id before
// every answer: a send, a rename, a trash or a purge on any process shows in the
// next search, with no filter query and no full rebuild.
import type { Message, SearchHit, Session } from '@parley/shared';
import MiniSearch, { type SearchResult } from 'minisearch';
import { ObjectId } from 'mongodb';
import { bucketSize, entriesOf, fetchBuckets } from '../chat/readModel';
import { type IndexEntry, type SessionIndex, sessionOf } from '../chat/sessionIndex';
import type { UserDoc } from '../db/documents';
import { idString } from '../db/ids';
import { log } from '../log';
import type { Services } from '../services';
import { snippetOf } from './snippet';
import { type ParsedQuery, phraseForm, tokenize } from './text';

/** One indexed text: a chat's title (seq 0) or one message. */
interface Doc {
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

interface ChatState {
  /** Every seq up to this one is indexed. */
  read: number;
  /** Indexed message ids, oldest first, so a chat's text can be dropped whole or from a seq on. */
  ids: string[];
  title: string | null;
  /**
   * A read stopped short of this count (a send between its count and its bucket, on
   * any process, or damage): retried once the count moves or after stuckRetryMs.
   */
  stuck: { count: number; at: number } | null;
  /**
   * Its messages changed in place from this seq on (an edit or a delete: from 1; a
   * reply that ended: from its own): read again from there. Null when none did.
   */
  changedFrom: number | null;
}

/** Buckets read per request while catching up. */
const bucketsPerRead = 20;
/** Chats read at once while building in the background. */
const chatsAtOnce = 4;
/** A rough heap cost per indexed text beyond its characters, measured by the search bench. */
export const bytesPerDoc = 1_500;

const titleId = (sessionId: string) => `t:${sessionId}`;

/** How long a chat whose read stopped at a gap waits before it is tried again. */
const stuckRetryMs = 1_000;

/** The first seq of the chat still to read: after the last read, or where it changed. */
const firstUnread = (chat: ChatState) =>
  Math.min(chat.changedFrom ?? Number.POSITIVE_INFINITY, chat.read + 1);

function isStuck(chat: ChatState, entry: IndexEntry, now = Date.now()): boolean {
  return (
    chat.stuck !== null && chat.stuck.count === entry.count && now - chat.stuck.at < stuckRetryMs
  );
}

export interface Filters {
  folderId?: string | null | undefined;
  includeArchived?: boolean | undefined;
}

/** The organising fields, where the session index holds them. */
type Organised = IndexEntry & { archived?: boolean; folderId?: string | null };

export class UserIndex {
  private readonly mini = new MiniSearch<Doc>({
    fields: ['text'],
    tokenize,
    processTerm: (t) => t,
    searchOptions: { tokenize, processTerm: (t) => t },
  });
  private readonly docs = new Map<string, Doc>();
  private readonly chats = new Map<string, ChatState>();
  private readonly reads = new Map<string, Promise<void>>();
  private entries: SessionIndex = new Map();
  private background: Promise<void> | null = null;
  private closed = false;
  /** Rough heap held, in bytes: what the memory cap counts. */
  bytes = 0;
  unsubscribe: (() => void) | null = null;

  constructor(
    private readonly services: Services,
    private readonly user: UserDoc,
    private readonly awaitBuckets: number,
  ) {}

  get size(): number {
    return this.docs.size;
  }

  get indexing(): boolean {
    return this.background !== null;
  }

  close(): void {
    this.closed = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /** A chat's messages changed in place, from seq `from` on: read them again before the next answer. */
  markDirty(sessionId: string, from = 1): void {
    const chat = this.chats.get(sessionId);
    if (chat) chat.changedFrom = Math.min(chat.changedFrom ?? from, from);
  }

  /**
   * Brings the index in line with the session index: titles, trash and purges at
   * once, new messages from buckets; waited for when few, else read in the
   * background while answers say `indexing`.
   */
  async sync(entries: SessionIndex): Promise<void> {
    this.entries = entries;
    for (const id of [...this.chats.keys()]) if (!entries.has(id)) this.dropChat(id);
    let backlog = 0;
    const stale: string[] = [];
    for (const entry of entries.values()) {
      this.indexTitle(entry);
      const chat = this.chatOf(entry.id);
      const from = firstUnread(chat);
      if (entry.count >= from && !isStuck(chat, entry)) {
        stale.push(entry.id);
        backlog += Math.ceil((entry.count - from + 1) / bucketSize);
      }
    }
    if (stale.length === 0) return;
    if (backlog <= this.awaitBuckets && !this.background) {
      await Promise.all(stale.map((id) => this.readChat(id)));
      return;
    }
    this.background ??= this.catchUp().finally(() => {
      this.background = null;
    });
  }

  /** Resolves once no background read runs (tests, the bench's cold load). */
  async settled(): Promise<void> {
    while (this.background) await this.background;
  }

  private async catchUp(): Promise<void> {
    const started = Date.now();
    // Each chat once per run: a read reads all it can, so a second pass could only spin.
    const tried = new Set<string>();
    for (;;) {
      if (this.closed) return;
      const next = [...this.entries.values()]
        .filter((e) => {
          const chat = this.chatOf(e.id);
          return !tried.has(e.id) && e.count >= firstUnread(chat);
        })
        .slice(0, chatsAtOnce);
      if (next.length === 0) break;
      for (const e of next) tried.add(e.id);
      await Promise.all(next.map((e) => this.readChat(e.id)));
    }
    log.info('search index built', {
      user: idString(this.user._id),
      texts: this.docs.size,
      ms: Date.now() - started,
    });
  }

  private chatOf(id: string): ChatState {
    let chat = this.chats.get(id);
    if (!chat) {
      chat = { read: 0, ids: [], title: null, stuck: null, changedFrom: null };
      this.chats.set(id, chat);
    }
    return chat;
  }

  /** Reads one chat's unread messages, one read at a time per chat. */
  private readChat(id: string): Promise<void> {
    const run = (this.reads.get(id) ?? Promise.resolve()).then(() => this.readUnread(id));
    const tracked = run.catch((e) => {
      log.warn('search index read failed', { session: id, error: String(e) });
      const chat = this.chats.get(id);
      if (chat) chat.stuck = { count: this.entries.get(id)?.count ?? 0, at: Date.now() };
    });
    this.reads.set(id, tracked);
    void tracked.then(() => {
      if (this.reads.get(id) === tracked) this.reads.delete(id);
    });
    return tracked;
  }

  private async readUnread(id: string): Promise<void> {
    const chat = this.chats.get(id);
    if (!chat) return;
    if (chat.changedFrom !== null) {
      this.dropMessages(chat, chat.changedFrom);
      chat.changedFrom = null;
    }
    const sessionId = ObjectId.createFromHexString(id);
    for (;;) {
      const entry = this.entries.get(id);
      if (this.closed || !entry || this.chats.get(id) !== chat || chat.read >= entry.count) return;
      const from = chat.read + 1;
      const to = Math.min(entry.count, from + bucketsPerRead * bucketSize - 1);
      const buckets = await fetchBuckets(this.services.db, sessionId, from, to);
      if (this.chats.get(id) !== chat) return; // purged meanwhile
      const found = buckets
        .flatMap((b) => entriesOf(b))
        .filter((m) => m.seq >= from && m.seq <= to)
        .sort((a, b) => a.seq - b.seq);
      for (const m of found) {
        if (m.seq !== chat.read + 1) break;
        chat.read = m.seq;
        if (m.deleted === true) continue; // a deleted message keeps its seq, not its text
        const doc: Doc = {
          id: idString(m._id),
          s: id,
          seq: m.seq,
          text: m.content,
          role: m.role,
          from: idString(m.user_id),
          at: m.created_at.getTime(),
          up: m.updated_at.getTime(),
          client: m.client_id ?? null,
          edited: m.edited_at instanceof Date ? m.edited_at.getTime() : null,
        };
        this.add(doc);
        chat.ids.push(doc.id);
      }
      if (chat.read < to) {
        chat.stuck = { count: entry.count, at: Date.now() };
        return;
      }
      chat.stuck = null;
    }
  }

  private add(doc: Doc): void {
    if (this.docs.has(doc.id)) this.remove(doc.id);
    this.mini.add(doc);
    this.docs.set(doc.id, doc);
    this.bytes += doc.text.length * 2 + bytesPerDoc;
  }

  private remove(id: string): void {
    const doc = this.docs.get(id);
    if (!doc) return;
    this.mini.discard(id);
    this.docs.delete(id);
    this.bytes -= doc.text.length * 2 + bytesPerDoc;
  }

  private indexTitle(entry: IndexEntry): void {
    const chat = this.chatOf(entry.id);
    if (chat.title === entry.title) return;
    this.remove(titleId(entry.id));
    chat.title = entry.title;
    this.add({
      id: titleId(entry.id),
      s: entry.id,
      seq: 0,
      text: entry.title,
      role: 'user',
      from: '',
      at: entry.created,
      up: entry.updated,
      client: null,
      edited: null,
    });
  }

  /** Forgets the chat's messages from seq `from` on (all of them by default). */
  private dropMessages(chat: ChatState, from = 1): void {
    const kept: string[] = [];
    for (const id of chat.ids) {
      if ((this.docs.get(id)?.seq ?? from) < from) kept.push(id);
      else this.remove(id);
    }
    chat.ids = kept;
    chat.read = Math.min(chat.read, from - 1);
    chat.stuck = null;
  }

  private dropChat(id: string): void {
    const chat = this.chats.get(id);
    if (!chat) return;
    this.dropMessages(chat);
    this.remove(titleId(id));
    this.chats.delete(id);
  }

  /** The session a text belongs to, if the caller may see it under `filters`. */
  private visible(sessionId: string, filters: Filters): IndexEntry | null {
    const entry = this.entries.get(sessionId) as Organised | undefined;
    if (!entry || entry.deleted) return null;
    if (entry.archived === true && !filters.includeArchived) return null;
    if (filters.folderId !== undefined && 'folderId' in entry) {
      if ((entry.folderId ?? null) !== filters.folderId) return null;
    }
    return entry;
  }

  /**
   * Hits best first, from `offset`: every word matches (a prefix, or within one
   * edit for words of five letters or more), every quoted phrase appears as it is.
   */
  search(query: ParsedQuery, filters: Filters, offset: number, limit: number) {
    const results = this.mini.search(query.text, {
      combineWith: 'AND',
      prefix: true,
      fuzzy: (term) => (term.length >= 5 ? 1 : false),
      filter: (r) => {
        const doc = this.docs.get(r.id as string);
        return doc !== undefined && this.visible(doc.s, filters) !== null;
      },
    });
    const hits: SearchHit[] = [];
    let skipped = 0;
    let more = false;
    for (const r of results) {
      const doc = this.docs.get(r.id as string);
      if (!doc || !this.matchesPhrases(doc, query)) continue;
      if (skipped < offset) {
        skipped++;
        continue;
      }
      if (hits.length === limit) {
        more = true;
        break;
      }
      hits.push(this.hitOf(doc, r));
    }
    return { hits, more };
  }

  private matchesPhrases(doc: Doc, query: ParsedQuery): boolean {
    if (query.phrases.length === 0) return true;
    const text = phraseForm(doc.text);
    return query.phrases.every((p) => text.includes(p));
  }

  private hitOf(doc: Doc, r: SearchResult): SearchHit {
    const entry = this.entries.get(doc.s) as IndexEntry;
    const session: Session = sessionOf(entry, this.user._id);
    const { snippet, highlights } = snippetOf(doc.text, new Set(r.terms));
    const message: Message | null =
      doc.seq === 0
        ? null
        : {
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
    return { session, message, snippet, highlights };
  }
}
