// The session document each send batch got back from its counter update, kept
// for the session's next batch so it need not read the session again. A copy is
// dropped when any other task takes the session's lock (a rename, the trash, an
// edit, a reply, a purge), so it stays what this process last wrote. A send
// still checks the document its counter update returns: a change made by
// another process is caught there (the trash, the index entry).
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

  constructor(locks: KeyedLock) {
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
