// The event bus: publish/subscribe by channel name. In-process by default; Redis
// pub/sub (./redisBus) when REDIS_URL is set, so several processes share events.
// The bus only carries events: streams read what they missed from the database.

export type Listener = (payload: unknown) => void;

/**
 * Delivered to every local listener when events may have been lost (the Redis
 * connection dropped and came back): streams then re-read from the database.
 */
export const busResync: unique symbol = Symbol('bus resync');

export interface EventBus {
  publish(channel: string, payload: unknown): Promise<void>;
  /** Resolves once events published from now on reach `listener`; returns the unsubscribe function. */
  subscribe(channel: string, listener: Listener): Promise<() => void>;
  /** Listeners currently registered (leak checks). */
  listenerCount(): number;
  /** Whether other processes publish here too: then they may be writing the same sessions. */
  readonly crossProcess: boolean;
  close(): Promise<void>;
}

/** Fan-out to local listeners; shared by both implementations. */
export class LocalFanout {
  private readonly channels = new Map<string, Set<Listener>>();

  add(channel: string, listener: Listener): { first: boolean; remove: () => boolean } {
    let set = this.channels.get(channel);
    const first = !set;
    if (!set) {
      set = new Set();
      this.channels.set(channel, set);
    }
    set.add(listener);
    let removed = false;
    return {
      first,
      /** True when this removal emptied the channel. */
      remove: () => {
        if (removed) return false;
        removed = true;
        const s = this.channels.get(channel);
        if (!s) return false;
        s.delete(listener);
        if (s.size === 0) {
          this.channels.delete(channel);
          return true;
        }
        return false;
      },
    };
  }

  deliver(channel: string, payload: unknown): void {
    const set = this.channels.get(channel);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(payload);
      } catch {
        // One broken listener must not starve the others.
      }
    }
  }

  /** Tells every listener of every channel that events may have been lost. */
  resyncAll(): void {
    for (const channel of [...this.channels.keys()]) this.deliver(channel, busResync);
  }

  count(): number {
    let n = 0;
    for (const set of this.channels.values()) n += set.size;
    return n;
  }
}

export class InProcessBus implements EventBus {
  readonly crossProcess = false;
  private readonly fanout = new LocalFanout();

  async publish(channel: string, payload: unknown): Promise<void> {
    this.fanout.deliver(channel, payload);
  }

  async subscribe(channel: string, listener: Listener): Promise<() => void> {
    const { remove } = this.fanout.add(channel, listener);
    return () => void remove();
  }

  listenerCount(): number {
    return this.fanout.count();
  }

  async close(): Promise<void> {}
}
