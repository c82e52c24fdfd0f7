// A bounded queue between a bus listener and a stream. A consumer that falls too
// far behind overflows it: the queue then drops everything it holds and the stream
// ends so the client resumes from its last event id, instead of the server buffering forever.

export class Inbox<T> {
  private items: T[] = [];
  private wake: (() => void) | null = null;
  private full = false;

  constructor(private readonly capacity: number) {}

  push(item: T): void {
    if (this.full) return;
    if (this.items.length >= this.capacity) {
      this.full = true;
      this.items = [];
    } else {
      this.items.push(item);
    }
    this.wake?.();
  }

  /** Wakes a waiting consumer with nothing new, so it looks at its stream's state again. */
  nudge(): void {
    this.wake?.();
  }

  get overflowed(): boolean {
    return this.full;
  }

  get size(): number {
    return this.items.length;
  }

  take(): T | undefined {
    return this.items.shift();
  }

  /** Resolves when an item arrives, the inbox overflows, the signal aborts, or after `ms`. */
  wait(signal: AbortSignal | undefined, ms: number): Promise<void> {
    if (this.items.length > 0 || this.full || signal?.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        if (this.wake === done) this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, Math.min(ms, 2 ** 31 - 1)));
      signal?.addEventListener('abort', done, { once: true });
      this.wake = done;
    });
  }
}
