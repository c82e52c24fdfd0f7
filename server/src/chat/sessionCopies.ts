// The session document each send batch ended with (the one its counter update
// returned, or on FerretDB the one it computed: chat/sendCounters.ts), kept for
// the session's next batch so it need not read the session again. A copy is
// dropped when any other task takes the session's lock (a rename, the trash, an
// edit, a reply, a purge), so it stays what this process last wrote. Copies are
// kept only while Parley runs as one process (no cross-process bus): another
// process's trash or purge would otherwise reach the index entry and the counter
// before the returned document tells of it. On MongoDB a change written by other
// means (the doctor, say) is still caught on the returned document; on FerretDB,
// whose updates are atomic against no other writer, nothing else may write while
// Parley runs.
import type { SessionDoc } from '../db/documents';
import { idString } from '../db/ids';
import type { KeyedLock } from '../lib/keyedLock';
import { sessionLockKey } from './sessions';

/** The tag of send batches' lock tasks: the only ones that keep a session's copy. */
export const sendTag = 'send';
const prefix = sessionLockKey('');
/** Copies kept at most; the oldest goes first. */
const maxCopies = 10_000;

export class SessionCopies {
  private readonly copies = new Map<string, SessionDoc>();
  /** Whether copies are kept: only while Parley runs as one process. */
  readonly enabled: boolean;

  constructor(locks: KeyedLock, opts: { enabled: boolean } = { enabled: true }) {
    this.enabled = opts.enabled;
    locks.watch((key, tag) => {
      if (tag !== sendTag && key.startsWith(prefix)) this.copies.delete(key.slice(prefix.length));
    });
  }

  /** The session's copy, taken out: a batch that fails leaves none behind. */
  take(sessionId: string): SessionDoc | undefined {
    const doc = this.copies.get(sessionId);
    this.copies.delete(sessionId);
    return doc;
  }

  keep(doc: SessionDoc): void {
    if (!this.enabled) return;
    const id = idString(doc._id);
    this.copies.delete(id);
    this.copies.set(id, doc);
    if (this.copies.size > maxCopies) {
      const oldest = this.copies.keys().next().value;
      if (oldest !== undefined) this.copies.delete(oldest);
    }
  }

  get size(): number {
    return this.copies.size;
  }
}
