// The live streams open in this process, by user: caps their number (per user, the
// oldest ends when one more opens; per process, new ones are refused), and tells a
// user's streams to re-check their token the moment it may have been revoked.
import { Refusal } from '../lib/refusal';
import { RetryAfter } from '../lib/retryAfter';

export interface LiveStream {
  /** The token may have been revoked: check it within `withinMs` (0: before delivering more). */
  recheck(withinMs: number): void;
  /** A newer stream of the same user took this one's place: end cleanly. */
  supersede(): void;
}

/** Over how long the re-checks after a possibly lost sign-out are spread. */
const anyUserSpreadMs = 5_000;

export interface StreamLimits {
  perUser: number;
  perProcess: number;
}

function serverFull(): Refusal {
  return new Refusal({
    code: 'SERVICE_UNAVAILABLE',
    message: 'This server has too many live views open. Try again in a moment.',
    cause: new RetryAfter(5),
  });
}

export class LiveStreams {
  /** Per user, in opening order (a Set keeps insertion order): the oldest first. */
  private readonly byUser = new Map<string, Set<LiveStream>>();
  private total = 0;

  constructor(private readonly limits: StreamLimits) {}

  /**
   * Counts a new stream of `userId`; returns the function that forgets it. A user at
   * the cap has their oldest stream superseded; a full process refuses with
   * SERVICE_UNAVAILABLE (retryable).
   */
  add(userId: string, stream: LiveStream): () => void {
    let mine = this.byUser.get(userId);
    const replacing = (mine?.size ?? 0) >= this.limits.perUser;
    if (!replacing && this.total >= this.limits.perProcess) throw serverFull();
    if (!mine) {
      mine = new Set();
      this.byUser.set(userId, mine);
    }
    const set = mine;
    while (set.size >= this.limits.perUser) {
      const oldest = set.values().next().value;
      if (oldest === undefined) break;
      this.remove(userId, set, oldest);
      oldest.supersede();
    }
    set.add(stream);
    this.total++;
    return () => this.remove(userId, set, stream);
  }

  private remove(userId: string, set: Set<LiveStream>, stream: LiveStream): void {
    if (!set.delete(stream)) return;
    this.total--;
    if (set.size === 0 && this.byUser.get(userId) === set) this.byUser.delete(userId);
  }

  /**
   * The user changed (signed out everywhere, say): each of their streams re-checks now.
   * Null (any user may have changed: the bus lost events) spreads every stream's check
   * over a few seconds, so the database is not asked for every user at once.
   */
  userChanged(userId: string | null): void {
    if (userId !== null) {
      for (const stream of [...(this.byUser.get(userId) ?? [])]) stream.recheck(0);
      return;
    }
    for (const set of this.byUser.values())
      for (const stream of set) stream.recheck(anyUserSpreadMs);
  }

  /** Streams open in this process. */
  get size(): number {
    return this.total;
  }

  /** Streams open for one user. */
  countFor(userId: string): number {
    return this.byUser.get(userId)?.size ?? 0;
  }
}
