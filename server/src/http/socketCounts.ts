// The live sockets open in this process: at most `perProcess` in all (counted from the
// upgrade, before the socket says who it is) and at most `perUser` for one user.
export interface SocketLimits {
  perUser: number;
  perProcess: number;
}

export class SocketCounts {
  private total = 0;
  private readonly byUser = new Map<string, number>();

  constructor(private readonly limits: SocketLimits) {}

  /** Counts one more socket; false (nothing counted) when the process is full. */
  open(): boolean {
    if (this.total >= this.limits.perProcess) return false;
    this.total++;
    return true;
  }

  closed(): void {
    this.total = Math.max(0, this.total - 1);
  }

  /** Counts a socket for `userId`; returns the function that forgets it, or null at the cap. */
  signIn(userId: string): (() => void) | null {
    const mine = this.byUser.get(userId) ?? 0;
    if (mine >= this.limits.perUser) return null;
    this.byUser.set(userId, mine + 1);
    let forgotten = false;
    return () => {
      if (forgotten) return;
      forgotten = true;
      const left = (this.byUser.get(userId) ?? 1) - 1;
      if (left > 0) this.byUser.set(userId, left);
      else this.byUser.delete(userId);
    };
  }

  get size(): number {
    return this.total;
  }

  countFor(userId: string): number {
    return this.byUser.get(userId) ?? 0;
  }
}
