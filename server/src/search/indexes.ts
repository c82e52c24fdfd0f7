// Search indexes per user, in this process: loaded on a user's first search,
// kept while used, and the least recently used evicted beyond the cap (users or
// estimated MB). Each loaded index listens on its user's channel for changes a
// count cannot tell (an edit or a delete of a message) and reads that chat again.
import type { SearchQueryInput, SearchResult } from '@parley/shared';
import { searchLimits } from '@parley/shared';
import { decodeCursor, encodeCursor } from '../chat/cursor';
import { indexOf } from '../chat/sessionIndex';
import type { UserDoc } from '../db/documents';
import { idString } from '../db/ids';
import { Refusal } from '../lib/refusal';
import { RetryAfter } from '../lib/retryAfter';
import { Turns } from '../lib/turns';
import { busResync } from '../realtime/bus';
import { type SessionChangeEvent, userChannel, userTextsChannel } from '../realtime/channels';
import type { Services } from '../services';
import { parseQuery } from './text';
import { UserIndex } from './userIndex';

export interface SearchLimits {
  /** Users whose index this process keeps at most. */
  maxUsers: number;
  /** Estimated heap of all kept indexes, in MB, beyond which the oldest go. */
  maxMb: number;
  /** A catch-up of at most this many buckets is waited for; a longer one runs in the background. */
  awaitBuckets: number;
}

/** Where a search goes on: the hits after offset `o` of the query whose hash is `h`. */
interface SearchCursor {
  h: number;
  o: number;
}

/** Hits one query can page through. */
const maxOffset = 1_000;

/** Changes whose effect the session index shows (a count, a title, a flag). */
const countable = new Set(['created', 'renamed', 'deleted', 'restored', 'message', 'updated']);

function hashOf(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) >>> 0;
  return h;
}

/** One user's searches in progress at most: each match holds the event loop while it runs. */
export const searchesAtOnce = 8;

export class SearchIndexes {
  private readonly users = new Map<string, UserIndex>();
  private readonly inFlight = new Map<string, number>();
  /** Matches hold the event loop: one at a time, other requests between them. */
  private readonly matches = new Turns();

  constructor(private readonly limits: SearchLimits) {}

  /** Indexes kept, and their estimated heap in bytes. */
  stats(): { users: number; bytes: number; texts: number } {
    let bytes = 0;
    let texts = 0;
    for (const index of this.users.values()) {
      bytes += index.bytes;
      texts += index.size;
    }
    return { users: this.users.size, bytes, texts };
  }

  /** The user's index, loaded (and subscribed) on first use, now the most recently used. */
  async indexFor(services: Services, user: UserDoc): Promise<UserIndex> {
    const key = idString(user._id);
    let index = this.users.get(key);
    if (index) {
      this.users.delete(key);
      this.users.set(key, index);
      return index;
    }
    index = new UserIndex(services, user, this.limits.awaitBuckets);
    this.users.set(key, index);
    const loaded = index;
    loaded.unsubscribe = await services.bus.subscribe(userChannel(key), (payload) => {
      if (payload === busResync) return; // the next search re-reads the session index anyway
      const change = (payload as SessionChangeEvent | null)?.change;
      // Folder lists travel on this channel too; only session changes name a chat.
      if (change?.session && !countable.has(change.kind)) loaded.markDirty(change.session.id);
    });
    const unsubscribeTexts = await services.bus.subscribe(userTextsChannel(key), (payload) => {
      const { sessionId, from } = (payload ?? {}) as { sessionId?: unknown; from?: unknown };
      if (typeof sessionId !== 'string') return;
      loaded.markDirty(
        sessionId,
        Number.isSafeInteger(from) && (from as number) > 0 ? (from as number) : 1,
      );
    });
    const unsubscribeChanges = loaded.unsubscribe;
    loaded.unsubscribe = () => {
      unsubscribeChanges();
      unsubscribeTexts();
    };
    return index;
  }

  /** Drops least recently used indexes beyond the caps, never `keep`. */
  private evict(keep: UserIndex): void {
    const maxBytes = this.limits.maxMb * 1024 * 1024;
    for (const [key, index] of this.users) {
      const { users, bytes } = this.stats();
      if (users <= this.limits.maxUsers && bytes <= maxBytes) return;
      if (index === keep) continue;
      index.close();
      this.users.delete(key);
    }
  }

  /** Drops the user's index (its memory and subscription); the next search loads it again. */
  forget(user: UserDoc): void {
    const key = idString(user._id);
    this.users.get(key)?.close();
    this.users.delete(key);
  }

  close(): void {
    for (const index of this.users.values()) index.close();
    this.users.clear();
  }

  /** A user's searches waiting or running, at most searchesAtOnce each (a batch holds up to 50). */
  async query(services: Services, user: UserDoc, input: SearchQueryInput): Promise<SearchResult> {
    const key = idString(user._id);
    const running = this.inFlight.get(key) ?? 0;
    if (running >= searchesAtOnce) {
      throw new Refusal({
        code: 'TOO_MANY_REQUESTS',
        message: `At most ${searchesAtOnce} searches at once. Try again in a moment.`,
        cause: new RetryAfter(1),
      });
    }
    this.inFlight.set(key, running + 1);
    try {
      return await this.search(services, user, input);
    } finally {
      const left = (this.inFlight.get(key) ?? 1) - 1;
      if (left > 0) this.inFlight.set(key, left);
      else this.inFlight.delete(key);
    }
  }

  private async search(
    services: Services,
    user: UserDoc,
    input: SearchQueryInput,
  ): Promise<SearchResult> {
    const limit = input.limit ?? searchLimits.pageDefault;
    const h = hashOf(
      JSON.stringify([input.q, input.folderId ?? null, input.includeArchived ?? false]),
    );
    const offset = input.cursor
      ? decodeCursor<SearchCursor>(
          input.cursor,
          {
            h: { kind: 'int', min: 0, max: 2 ** 32 - 1 },
            o: { kind: 'int', min: 1, max: maxOffset },
          },
          { h },
        ).o
      : 0;
    const [index, entries] = await Promise.all([
      this.indexFor(services, user),
      indexOf(services, user),
    ]);
    await index.sync(entries);
    this.evict(index);
    const query = parseQuery(input.q);
    const { hits, more, cut } = await this.matches.run(() =>
      index.search(query, input, offset, limit),
    );
    const next = offset + hits.length;
    return {
      items: hits,
      nextCursor: more && next <= maxOffset ? encodeCursor<SearchCursor>({ h, o: next }) : null,
      indexing: index.indexing,
      ...(cut ? { cut } : {}),
    };
  }
}
