// Work that holds the event loop while it runs (a search's match), run one piece at a
// time with a turn of the loop before each: I/O and timers that came meanwhile go
// between two pieces, instead of after every piece queued at once.
export class Turns {
  private last: Promise<unknown> = Promise.resolve();

  run<T>(work: () => T): Promise<T> {
    const next = this.last.then(
      () =>
        new Promise<T>((resolve, reject) => {
          setImmediate(() => {
            try {
              resolve(work());
            } catch (e) {
              reject(e);
            }
          });
        }),
    );
    this.last = next.catch(() => {});
    return next;
  }
}
