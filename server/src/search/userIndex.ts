// One user's search index, in memory: their chats' titles and messages (texts.ts).
// It knows up to which seq it has read each chat and catches up from the message
// buckets (by _id) against the user's session index, read by _id before every
// answer: a send, a rename, a trash or a purge on any process shows in the next
// search, with no filter query and no full rebuild.
import type { SearchHit } from '@parley/shared';
import { ObjectId } from 'mongodb';
import { bucketSize, entriesOf, fetchBuckets } from '../chat/readModel';
import { type IndexEntry, type SessionIndex, sessionOf } from '../chat/sessionIndex';
import type { UserDoc } from '../db/documents';
import { idString } from '../db/ids';
import { Slices, WorkBudget } from '../lib/slices';
import { log } from '../log';
import type { Services } from '../services';
import { snippetOf } from './snippet';
import type { ParsedQuery } from './text';
import { messageDoc, messageOf, Texts } from './texts';

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
/**
 * Event-loop time one search may take, summed over its slices: a phrase that
 * matches nothing in many long texts folds them all, and eight such searches at
 * once held other users for seconds.
 */
export const searchWorkMs = 250;
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
  private readonly texts = new Texts();
  private readonly chats = new Map<string, ChatState>();
  private readonly reads = new Map<string, Promise<void>>();
  private entries: SessionIndex = new Map();
  private background: Promise<void> | null = null;
  private closed = false;
  unsubscribe: (() => void) | null = null;

  constructor(
    private readonly services: Services,
    private readonly user: UserDoc,
    private readonly awaitBuckets: number,
  ) {}

  get size(): number {
    return this.texts.size;
  }

  /** Rough heap held, in bytes: what the memory cap counts. */
  get bytes(): number {
    return this.texts.bytes;
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
      texts: this.texts.size,
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
    const slices = new Slices();
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
        if (slices.due()) {
          await slices.next();
          if (this.closed || this.chats.get(id) !== chat) return; // purged meanwhile
        }
        if (m.seq !== chat.read + 1) break;
        chat.read = m.seq;
        if (m.deleted === true) continue; // a deleted message keeps its seq, not its text
        const doc = messageDoc(m, id);
        this.texts.add(doc);
        chat.ids.push(doc.id);
      }
      if (chat.read < to) {
        chat.stuck = { count: entry.count, at: Date.now() };
        return;
      }
      chat.stuck = null;
    }
  }

  private indexTitle(entry: IndexEntry): void {
    const chat = this.chatOf(entry.id);
    if (chat.title === entry.title) return;
    this.texts.remove(titleId(entry.id));
    chat.title = entry.title;
    this.texts.add({
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
      if ((this.texts.get(id)?.seq ?? from) < from) kept.push(id);
      else this.texts.remove(id);
    }
    chat.ids = kept;
    chat.read = Math.min(chat.read, from - 1);
    chat.stuck = null;
  }

  private dropChat(id: string): void {
    const chat = this.chats.get(id);
    if (!chat) return;
    this.dropMessages(chat);
    this.texts.remove(titleId(id));
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
   * Hits best first, from `offset` (Texts.matches says what matches). Checking
   * phrases folds each candidate text, so the check runs in slices (lib/slices.ts),
   * a turn of the event loop due after any candidate, matched or not; and a search
   * works searchWorkMs at most: past that it answers the hits found so far, `cut`.
   */
  async search(query: ParsedQuery, filters: Filters, offset: number, limit: number) {
    const hits: SearchHit[] = [];
    let skipped = 0;
    let more = false;
    let cut = false;
    const slices = new Slices();
    const work = new WorkBudget(searchWorkMs);
    for (const found of this.texts.matches(query, (d) => this.visible(d.s, filters) !== null)) {
      if (slices.due()) {
        work.spend(slices.elapsed());
        if (work.spent()) {
          cut = true;
          break;
        }
        await slices.next();
      }
      if (!found) continue;
      const [doc, terms] = found;
      if (skipped < offset) {
        skipped++;
        continue;
      }
      if (hits.length === limit) {
        more = true;
        break;
      }
      // Looked up again: the chat may have gone while an earlier slice waited.
      const entry = this.visible(doc.s, filters);
      if (!entry) continue;
      const { snippet, highlights } = snippetOf(doc.text, new Set(terms));
      hits.push({
        session: sessionOf(entry, this.user._id),
        message: messageOf(doc),
        snippet,
        highlights,
      });
    }
    return { hits, more, cut };
  }
}
