// Passwords: bcrypt on libuv's thread pool, with a bound on how many run at once
// and how many may wait, so a flood cannot starve other requests. Sign-ins and
// sign-ups have lanes of their own: sign-ups hold at most a few of the places
// and a short queue, and a freed place goes to a waiting sign-in first, so a
// crowd of sign-ups never makes a sign-in wait.
import { limits } from '@parley/shared';
import { dictionary } from '@zxcvbn-ts/language-common';
import bcrypt from 'bcrypt';
import { ZodRealError } from 'zod';
import { Refusal } from '../lib/refusal';
import { RetryAfter } from '../lib/retryAfter';

/** The 10,000 commonest passwords (zxcvbn's ranked list), those long enough to be accepted otherwise. */
const commonPasswords = new Set(
  dictionary['passwords-common']
    .slice(0, 10_000)
    .map((p) => p.toLowerCase())
    .filter((p) => p.length >= limits.passwordMin),
);

/** True for a password on the list, in any letter case. Server only: the list stays out of the web bundle. */
export function isCommonPassword(password: string): boolean {
  return commonPasswords.has(password.toLowerCase());
}

/** Refused as the password field's error, so the sign-up form shows it beside the field. */
export const tooCommonPassword = () =>
  new Refusal({
    code: 'BAD_REQUEST',
    message: 'That password is too common; choose another.',
    cause: new ZodRealError([
      {
        code: 'custom',
        path: ['password'],
        message: 'That password is too common; choose another',
        input: undefined,
      },
    ]),
  });

type Lane = 'login' | 'registration';

export interface HashingLimits {
  /** bcrypt operations at once, both lanes together. */
  concurrency: number;
  /** Sign-ins that may wait for a place. */
  queue: number;
  /** Sign-ups: places they may hold at once (fewer than `concurrency`), and how many may wait. */
  registrations: { concurrency: number; queue: number };
}

export class PasswordHasher {
  private running = 0;
  private runningRegistrations = 0;
  private readonly waiting: Record<Lane, Array<() => void>> = { login: [], registration: [] };
  /** A real hash to compare against when the user does not exist, so timing tells nothing. */
  private readonly dummy: Promise<string>;

  constructor(
    readonly cost: number,
    private readonly limits: HashingLimits,
  ) {
    this.dummy = bcrypt.hash('parley-timing-equaliser', cost);
  }

  private canStart(lane: Lane): boolean {
    if (this.running >= this.limits.concurrency) return false;
    return lane === 'login' || this.runningRegistrations < this.limits.registrations.concurrency;
  }

  private start(lane: Lane): void {
    this.running++;
    if (lane === 'registration') this.runningRegistrations++;
  }

  /** Hands freed places out: waiting sign-ins first, then sign-ups while their cap allows. */
  private pump(): void {
    for (const lane of ['login', 'registration'] as const) {
      while (this.waiting[lane].length > 0 && this.canStart(lane)) {
        this.start(lane);
        this.waiting[lane].shift()?.();
      }
    }
  }

  private async turn<T>(lane: Lane, work: () => Promise<T>): Promise<T> {
    const queue = lane === 'login' ? this.limits.queue : this.limits.registrations.queue;
    // A sign-up never overtakes a waiting sign-in.
    const first = lane === 'login' || this.waiting.login.length === 0;
    if (first && this.waiting[lane].length === 0 && this.canStart(lane)) {
      this.start(lane);
    } else {
      if (this.waiting[lane].length >= queue) {
        throw new Refusal({
          code: 'TOO_MANY_REQUESTS',
          message: 'The server is busy checking passwords; try again in a moment.',
          cause: new RetryAfter(2),
        });
      }
      await new Promise<void>((resolve) => this.waiting[lane].push(resolve));
    }
    try {
      return await work();
    } finally {
      this.running--;
      if (lane === 'registration') this.runningRegistrations--;
      this.pump();
    }
  }

  /** A new password's hash, in the sign-up lane. */
  hash(password: string): Promise<string> {
    return this.turn('registration', () => bcrypt.hash(password, this.cost));
  }

  /** Compares against the stored hash, or against a dummy one when there is none. */
  async verify(password: string, hash: string | undefined): Promise<boolean> {
    const target = hash ?? (await this.dummy);
    const ok = await this.turn('login', () => bcrypt.compare(password, target));
    return ok && hash !== undefined;
  }
}
