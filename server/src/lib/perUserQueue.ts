// Work one user may have running at once, the rest waiting in the order it came.
// What waits is bounded too: past `maxWaiting`, `run` refuses at once (QueueFull).
export class QueueFull extends Error {}

interface Line {
  running: number;
  waiting: Array<() => void>;
}

export class PerUserQueue {
  private readonly lines = new Map<string, Line>();

  constructor(
    private readonly atOnce: number,
    private readonly maxWaiting: number,
  ) {}

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    let line = this.lines.get(key);
    if (!line) {
      line = { running: 0, waiting: [] };
      this.lines.set(key, line);
    }
    if (line.running < this.atOnce) line.running++;
    else if (line.waiting.length >= this.maxWaiting) throw new QueueFull();
    else await new Promise<void>((resolve) => line?.waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = line.waiting.shift();
      if (next)
        next(); // the place passes to the next in line
      else if (--line.running === 0) this.lines.delete(key);
    }
  }

  /** Users with work running or waiting (leak checks). */
  get users(): number {
    return this.lines.size;
  }
}
