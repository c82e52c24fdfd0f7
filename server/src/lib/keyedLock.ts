/**
 * Runs tasks one at a time per key, in arrival order, within this process.
 * Keys with nothing queued hold no memory.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly watchers: Array<(key: string, tag: string | undefined) => void> = [];

  /** `tag` names the kind of task, for watchers (see `watch`). */
  run<T>(key: string, task: () => Promise<T>, tag?: string): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const start = () => {
      for (const w of this.watchers) w(key, tag);
      return task();
    };
    const result = prev.then(start, start);
    const tail = result.then(
      () => {},
      () => {},
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Calls `watcher` as each task starts, with its key and tag, before the task runs. */
  watch(watcher: (key: string, tag: string | undefined) => void): void {
    this.watchers.push(watcher);
  }

  /** Keys with queued or running work (for tests and health). */
  get size(): number {
    return this.tails.size;
  }
}
