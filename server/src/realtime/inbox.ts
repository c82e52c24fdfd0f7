// A bounded queue between a bus listener and a subscription's generator. A
// consumer that falls too far behind overflows it: the stream then ends and the
// client resumes from its last event id, instead of the server buffering forever.

export class InboxOverflow extends Error {
  override name = 'InboxOverflow';
}

export class Inbox<T> {
  private readonly items: T[] = [];
  private wake: (() => void) | null = null;
  private overflowed = false;

  constructor(private readonly capacity: number) {}

  push(item: T): void {
    if (this.items.length >= this.capacity) this.overflowed = true;
    else this.items.push(item);
    this.wake?.();
  }

  /** Next item, or undefined when the signal aborts. Throws InboxOverflow once full. */
  async next(signal: AbortSignal | undefined): Promise<T | undefined> {
    for (;;) {
      if (this.overflowed) throw new InboxOverflow('subscriber fell too far behind');
      const item = this.items.shift();
      if (item !== undefined) return item;
      if (signal?.aborted) return undefined;
      await new Promise<void>((resolve) => {
        const done = () => {
          this.wake = null;
          signal?.removeEventListener('abort', done);
          resolve();
        };
        this.wake = done;
        signal?.addEventListener('abort', done, { once: true });
      });
    }
  }
}
