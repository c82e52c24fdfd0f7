// Recently seen callers, held a few seconds per process, so a burst of requests
// pays one users lookup instead of one each. Signing out everywhere drops the
// entry here at once and, through the bus, in every other process; an entry that
// no drop reaches lives `ttlMs` at most. Each drop is also passed on to watchers
// (open live streams re-check their token at once).
import type { UserDoc } from '../db/documents';
import { idString } from '../db/ids';
import type { EventBus } from '../realtime/bus';

/** The bus channel on which a changed user is announced to every process. */
export const userChangedChannel = 'users:changed';

export class CallerCache {
  private readonly entries = new Map<string, { user: UserDoc; until: number }>();
  /** Moves on every drop, so a lookup that raced a drop does not store what it read. */
  private generation = 0;
  private readonly watchers = new Set<(userId: string | null) => void>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  get(userId: string): UserDoc | null {
    const hit = this.entries.get(userId);
    if (!hit) return null;
    if (hit.until > Date.now()) return hit.user;
    this.entries.delete(userId);
    return null;
  }

  /** A token for `set`: taken before the lookup whose result is stored. */
  mark(): number {
    return this.generation;
  }

  set(user: UserDoc, mark: number): void {
    if (this.ttlMs <= 0 || mark !== this.generation) return;
    const key = idString(user._id);
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { user, until: Date.now() + this.ttlMs });
  }

  drop(userId: string): void {
    this.generation++;
    this.entries.delete(userId);
    this.tell(userId);
  }

  /** Calls `watcher` with each dropped user's id (null: every user); returns the unwatch function. */
  watch(watcher: (userId: string | null) => void): () => void {
    this.watchers.add(watcher);
    return () => void this.watchers.delete(watcher);
  }

  private tell(userId: string | null): void {
    for (const watcher of [...this.watchers]) {
      try {
        watcher(userId);
      } catch {
        // A broken watcher must not stop the drop reaching the others.
      }
    }
  }

  /** Listens for users changed in other processes; returns the unsubscribe function. */
  follow(bus: EventBus): Promise<() => void> {
    return bus.subscribe(userChangedChannel, (payload) => {
      const userId = (payload as { userId?: unknown } | null)?.userId;
      if (typeof userId === 'string') this.drop(userId);
      else this.clear();
    });
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
    this.tell(null);
  }
}
