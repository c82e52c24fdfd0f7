// Long work on the event loop cut into slices of about `sliceMs`, with a turn of
// the loop between two, so requests and timers that came meanwhile go between
// them: a search over texts it must fold one by one, or indexing a chat of long
// messages, holds the loop for one slice at a time, not for all of it.
export const sliceMs = 20;

export class Slices {
  private started = performance.now();

  constructor(private readonly ms = sliceMs) {}

  /** True once this slice has run its time: the caller then awaits `next()`. */
  due(): boolean {
    return performance.now() - this.started >= this.ms;
  }

  /** How long this slice has run, in ms. */
  elapsed(): number {
    return performance.now() - this.started;
  }

  /** A turn of the event loop, then a new slice. */
  async next(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.started = performance.now();
  }
}

/** Event-loop time a piece of work may take in all, summed over its slices. */
export class WorkBudget {
  private used = 0;

  constructor(private readonly ms: number) {}

  spend(ms: number): void {
    this.used += ms;
  }

  spent(): boolean {
    return this.used >= this.ms;
  }
}
