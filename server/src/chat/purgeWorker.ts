// The background half of a purge: deletes marked sessions' contents one session at a
// time in this process, holding each one's lease, and stops between steps when the
// process stops. Work a crash or restart left behind is found in the pending list
// (pendingPurges.ts) at start-up and by the hourly sweep, and finished from its
// recorded progress.
import { randomUUID } from 'node:crypto';
import { ObjectId } from 'mongodb';
import type { PurgeProgress, SessionDoc } from '../db/documents';
import { asObjectId, idString } from '../db/ids';
import { log } from '../log';
import { publishSessionChange } from '../realtime/channels';
import type { Services } from '../services';
import {
  claimLease,
  leaseMs,
  readPending,
  releaseLease,
  removePending,
  renewLease,
} from './pendingPurges';
import { purgeContents, purgeStart } from './purgeContents';
import { entryOf, readIndex, sessionOf } from './sessionIndex';
import { sessionLockKey } from './sessions';
import { dropIndexEntries } from './tombstones';

/** A purge that failed (the database away, say) is tried again after this. */
const retryMs = 30_000;

export class PurgeWorker {
  /** Sessions waiting, in arrival order. */
  private readonly queue = new Set<string>();
  private current: string | null = null;
  private running: Promise<void> | null = null;
  private closed = false;
  /** This process, as the holder of a lease. */
  readonly owner = randomUUID();

  constructor(
    private readonly servicesOf: () => Services,
    /** Purges this process takes on before it asks for a moment (each is a pending entry). */
    readonly maxBacklog = 10_000,
  ) {}

  /** Purges queued or under way here. */
  get backlog(): number {
    return this.queue.size + (this.current ? 1 : 0);
  }

  private get services(): Services {
    return this.servicesOf();
  }

  /** Queues a marked session's contents for deleting. */
  start(sessionId: string): void {
    if (this.closed || this.current === sessionId) return;
    this.queue.add(sessionId);
    this.pump();
  }

  /** Queues every pending purge (left by a crash, a restart or another process); answers how many. */
  async resume(): Promise<number> {
    const pending = await readPending(this.services.db);
    for (const { sessionId } of pending) this.start(sessionId);
    return pending.length;
  }

  /** Resolves once nothing is queued or running. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stops after the step under way; what is left resumes at the next start, its leases let go. */
  async close(): Promise<void> {
    this.closed = true;
    const waiting = [...this.queue];
    this.queue.clear();
    await this.idle();
    await Promise.all(
      waiting.map((id) => releaseLease(this.services.db, id, this.owner).catch(() => {})),
    );
  }

  private pump(): void {
    if (this.running) return;
    this.running = (async () => {
      for (const id of this.queue) {
        if (this.closed) return;
        this.queue.delete(id);
        this.current = id;
        try {
          await this.finish(id);
        } catch (e) {
          log.warn('purging a chat stopped; it is tried again', { session: id, error: String(e) });
          if (!this.closed) setTimeout(() => this.start(id), retryMs).unref();
        } finally {
          this.current = null;
        }
      }
    })().finally(() => {
      this.running = null;
      if (this.queue.size && !this.closed) this.pump();
    });
  }

  /** Deletes one session's contents under its lease, from where its progress stands. */
  private async finish(id: string): Promise<void> {
    const { db } = this.services;
    if (!(await claimLease(db, id, this.owner))) {
      // Another process is on it: look again once its lease could have run out.
      setTimeout(() => this.start(id), leaseMs).unref();
      return;
    }
    try {
      const started = Date.now();
      const session = await this.marked(id);
      if (!session) return;
      await this.unlisted(session);
      const carryOn = async () => !this.closed && (await renewLease(db, id, this.owner));
      if (!(await purgeContents(db, session, carryOn))) return;
      await removePending(this.services, id);
      log.info('chat purged', {
        session: id,
        messages: session.message_count,
        ms: Date.now() - started,
      });
    } finally {
      await releaseLease(db, id, this.owner);
    }
  }

  /**
   * The session as marked for purging; a crash between noting the purge and marking
   * the session is finished here (it was in the trash, and asked for). Null when
   * there is nothing to purge: gone already, or restored before it was marked.
   */
  private async marked(id: string): Promise<(SessionDoc & { purging: PurgeProgress }) | null> {
    const { db } = this.services;
    const _id = ObjectId.createFromHexString(id);
    const session = await this.services.locks.run(sessionLockKey(id), async () => {
      const doc = await db.sessions.findOne({ _id });
      if (!doc || doc.purging || !doc.deleted) return doc;
      const purging = purgeStart(doc);
      await db.sessions.updateOne({ _id }, { $set: { purging } });
      return { ...doc, purging };
    });
    if (session?.purging) return session as SessionDoc & { purging: PurgeProgress };
    await removePending(this.services, id);
    return null;
  }

  /** Makes sure the session has left its owner's index (a crash may have come between). */
  private async unlisted(session: SessionDoc): Promise<void> {
    const owner = asObjectId(session.user_id);
    if (!owner) return;
    const index = await readIndex(this.services.db, owner);
    if (!index?.has(idString(session._id))) return;
    const entry = { ...entryOf(session), updated: Date.now() };
    await dropIndexEntries(this.services, owner, [entry]);
    await publishSessionChange(this.services, { kind: 'purged', session: sessionOf(entry, owner) });
  }
}
