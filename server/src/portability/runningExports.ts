// The exports running in this process: each reads a chat or a whole account from
// the database while it streams, so a user runs at most EXPORTS_PER_USER at once
// and the process at most EXPORTS_AT_ONCE; past either one more is refused.

/** Why an export could not start: the account's, or the process's, most run already. */
export type ExportBusy = 'account' | 'server';

export class RunningExports {
  private readonly users = new Map<string, number>();
  private total = 0;

  constructor(private readonly limits: { perUser: number; perProcess: number }) {}

  /** Reserves one export for `userId`, or says why not; call the returned release once done. */
  claim(userId: string): (() => void) | ExportBusy {
    const mine = this.users.get(userId) ?? 0;
    if (mine >= this.limits.perUser) return 'account';
    if (this.total >= this.limits.perProcess) return 'server';
    this.users.set(userId, mine + 1);
    this.total++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total--;
      const left = (this.users.get(userId) ?? 1) - 1;
      if (left > 0) this.users.set(userId, left);
      else this.users.delete(userId);
    };
  }

  /** Exports running, for `userId` or in all. */
  running(userId?: string): number {
    return userId === undefined ? this.total : (this.users.get(userId) ?? 0);
  }
}
