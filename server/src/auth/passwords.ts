// Passwords: bcrypt on libuv's thread pool, with a bound on how many run at once
// and how many may wait, so a login flood cannot starve other requests.
import { TRPCError } from '@trpc/server';
import bcrypt from 'bcrypt';
import { RetryAfter } from '../trpc/retryAfter';

export class PasswordHasher {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  /** A real hash to compare against when the user does not exist, so timing tells nothing. */
  private readonly dummy: Promise<string>;

  constructor(
    readonly cost: number,
    private readonly limits: { concurrency: number; queue: number },
  ) {
    this.dummy = bcrypt.hash('parley-timing-equaliser', cost);
  }

  private async turn<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.limits.concurrency) {
      if (this.waiting.length >= this.limits.queue) {
        throw new TRPCError({
          code: 'TOO_MANY_REQUESTS',
          message: 'The server is busy checking passwords; try again in a moment.',
          cause: new RetryAfter(2),
        });
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  hash(password: string): Promise<string> {
    return this.turn(() => bcrypt.hash(password, this.cost));
  }

  /** Compares against the stored hash, or against a dummy one when there is none. */
  async verify(password: string, hash: string | undefined): Promise<boolean> {
    const target = hash ?? (await this.dummy);
    const ok = await this.turn(() => bcrypt.compare(password, target));
    return ok && hash !== undefined;
  }
}
