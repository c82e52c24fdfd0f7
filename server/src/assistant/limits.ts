// The two bounds on model calls: replies streaming at once in this process (the
// rest wait in a bounded queue), and replies each user may start per minute.

export class QueueFull extends Error {}

/** At most `concurrency` holders; up to `queue` more wait in arrival order. */
export class ReplySlots {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly concurrency: number,
    private readonly queue: number,
  ) {}

  /** Resolves with a release function once a slot is free; throws when the queue is full or `signal` aborts. */
  async acquire(signal: AbortSignal): Promise<() => void> {
    signal.throwIfAborted();
    if (this.active >= this.concurrency) {
      if (this.waiting.length >= this.queue) throw new QueueFull();
      await new Promise<void>((resolve, reject) => {
        const turn = () => {
          signal.removeEventListener('abort', leave);
          resolve();
        };
        const leave = () => {
          const i = this.waiting.indexOf(turn);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(signal.reason);
        };
        this.waiting.push(turn);
        signal.addEventListener('abort', leave, { once: true });
      });
    } else {
      this.active++;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    };
  }

  get running(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }
}

const minuteMs = 60_000;

/** Replies started per user in the last minute, kept only for users active in it. */
export class ReplyRate {
  private readonly starts = new Map<string, number[]>();

  constructor(private readonly perMinute: number) {}

  /** Counts one reply for `userId` and says whether it is within the limit. */
  take(userId: string, now = Date.now()): boolean {
    if (this.starts.size > 10_000) this.forgetIdle(now);
    const recent = (this.starts.get(userId) ?? []).filter((t) => now - t < minuteMs);
    if (recent.length >= this.perMinute) {
      this.starts.set(userId, recent);
      return false;
    }
    recent.push(now);
    this.starts.set(userId, recent);
    return true;
  }

  private forgetIdle(now: number): void {
    for (const [user, times] of this.starts) {
      if (times.every((t) => now - t >= minuteMs)) this.starts.delete(user);
    }
  }
}
