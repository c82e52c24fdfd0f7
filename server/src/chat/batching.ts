// Two ways of turning many waiting writes into few database commands, without a
// timer: whatever queued while the previous write ran goes in the next one, so a
// lone write starts at once and a busy key gets bigger batches.
import {
  MongoBulkWriteError,
  MongoError,
  MongoErrorLabel,
  MongoNetworkTimeoutError,
  MongoServerError,
} from 'mongodb';
import { KeyedLock } from '../lib/keyedLock';

interface Waiting<T, R> {
  item: T;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

/**
 * Items queued per key, taken as one batch by whoever next holds the key's lock:
 * each item queues one lock task, so a later task always picks up what an earlier
 * batch left (at most `max` are taken at a time).
 */
export class LockedBatches<T, R> {
  private readonly queues = new Map<string, Waiting<T, R>[]>();

  constructor(
    private readonly locks: KeyedLock,
    private readonly max: number,
    /** Stores the batch; answers one result per item, in order, or throws for all. */
    private readonly store: (key: string, items: T[]) => Promise<Array<R | Error>>,
    /** The lock tasks' tag (KeyedLock.watch). */
    private readonly tag?: string,
  ) {}

  add(lockKey: string, item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const queue = this.queues.get(lockKey) ?? [];
      this.queues.set(lockKey, queue);
      queue.push({ item, resolve, reject });
      void this.locks.run(lockKey, () => this.drain(lockKey), this.tag);
    });
  }

  private async drain(lockKey: string): Promise<void> {
    const queue = this.queues.get(lockKey);
    if (!queue) return; // taken by an earlier batch
    const batch = queue.splice(0, this.max);
    if (queue.length === 0) this.queues.delete(lockKey);
    try {
      const results = await this.store(
        lockKey,
        batch.map((w) => w.item),
      );
      batch.forEach((w, i) => {
        const r = results[i];
        if (r instanceof Error) w.reject(r);
        else w.resolve(r as R);
      });
    } catch (e) {
      for (const w of batch) w.reject(e);
    }
  }
}

/** Statements a shared update command carries at most: FerretDB v1 stalls on a hundred-odd. */
export const maxStatements = 40;

export const asError = (e: unknown) => (e instanceof Error ? e : new Error(String(e)));

/** Per document of a group write: null if it was stored, else its error. */
export type DocOutcome = Error | null;

/**
 * Group commit: documents submitted while one write is in flight go together in
 * the next, as one command (`write`, unordered). The group is taken only when its
 * write gets its turn (`turn`, the pipeline's serial line), so whatever was
 * submitted while it waited behind other writes goes in it too. A caller learns
 * the outcome of its own documents; a command that fails as a whole fails every
 * caller in it.
 */
export class GroupWrite<D> {
  private queue: Array<Waiting<D[], DocOutcome[]>> = [];
  private busy = false;

  constructor(
    private readonly write: (docs: D[]) => Promise<unknown>,
    private readonly maxDocs: number,
    private readonly turn: <T>(task: () => Promise<T>) => Promise<T> = (task) => task(),
  ) {}

  submit(docs: D[]): Promise<DocOutcome[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item: docs, resolve, reject });
      if (!this.busy) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.busy = true;
    try {
      while (this.queue.length > 0) {
        let group: Array<Waiting<D[], DocOutcome[]>> = [];
        let failure: { error: unknown } | null = null;
        try {
          await this.turn(() => {
            group = this.take();
            return this.write(group.flatMap((w) => w.item));
          });
        } catch (e) {
          failure = { error: e };
        }
        this.settle(group, failure);
      }
    } finally {
      this.busy = false;
    }
  }

  /** The waiting submissions, oldest first, up to maxDocs documents (at least one). */
  private take(): Array<Waiting<D[], DocOutcome[]>> {
    let n = 0;
    let take = 0;
    while (
      take < this.queue.length &&
      (take === 0 || n + (this.queue[take]?.item.length ?? 0) <= this.maxDocs)
    ) {
      n += this.queue[take]?.item.length ?? 0;
      take++;
    }
    return this.queue.splice(0, take);
  }

  private settle(group: Array<Waiting<D[], DocOutcome[]>>, failure: { error: unknown } | null) {
    let failed = new Map<number, Error>();
    if (failure) {
      const perDoc = docErrors(failure.error);
      if (!perDoc) {
        for (const w of group) w.reject(unwrapped(failure.error));
        return;
      }
      failed = perDoc;
    }
    let at = 0;
    for (const w of group) {
      w.resolve(w.item.map((_, i) => failed.get(at + i) ?? null));
      at += w.item.length;
    }
  }
}

/**
 * A shared update command one of whose statements failed. FerretDB v1 stops at
 * that statement, keeps the ones before it, drops the ones after, and reports the
 * error as the first statement's whatever its place, so no caller can tell whether
 * its own statement went in. Every caller fails, retryably: each marks its
 * sessions for repair, and a retry finds them repaired.
 */
export class SharedWriteFailed extends MongoError {
  override get name(): string {
    return 'SharedWriteFailed';
  }

  constructor(message: string, cause?: unknown) {
    super(message, cause instanceof Error ? { cause } : undefined);
    this.addErrorLabel(MongoErrorLabel.RetryableError);
  }
}

/**
 * `write`, failing as a whole (SharedWriteFailed) when any statement of it fails.
 * A command of one statement keeps its own error: whose it is is known.
 */
export function wholeCommand<D>(
  write: (docs: D[]) => Promise<unknown>,
): (docs: D[]) => Promise<unknown> {
  return async (docs) => {
    try {
      return await write(docs);
    } catch (e) {
      if (docs.length > 1 && e instanceof MongoBulkWriteError && docErrors(e)) {
        throw new SharedWriteFailed(`A shared write of ${docs.length} failed: ${e.message}`, e);
      }
      throw e;
    }
  };
}

/**
 * The error a bulk write failed with as a whole: the driver wraps a lost
 * connection in a bulk error, which would hide that it is worth a retry (503).
 */
function unwrapped(e: unknown): unknown {
  if (
    e instanceof MongoBulkWriteError &&
    !e.writeConcernError &&
    e.errorResponse instanceof Error
  ) {
    return e.errorResponse;
  }
  return e;
}

/** The failing documents of an unordered bulk write, by index; null if it failed as a whole. */
function docErrors(e: unknown): Map<number, Error> | null {
  if (!(e instanceof MongoBulkWriteError) || e.writeConcernError) return null;
  const list = Array.isArray(e.writeErrors) ? e.writeErrors : [e.writeErrors];
  if (list.length === 0) return null;
  const out = new Map<number, Error>();
  for (const w of list) {
    // A server error, so a lost lock race still reads as retryable (db/errors.ts).
    out.set(
      w.index,
      new MongoServerError({ message: w.errmsg ?? 'write failed', errmsg: w.errmsg, code: w.code }),
    );
  }
  return out;
}

/**
 * Writes run one at a time, in order, each given at most `deadlineMs`. The driver
 * can wait forever on a socket the database's death left half-closed; without a
 * deadline that one write would hold every later one. A write past its deadline
 * fails as a network timeout (a retryable 503); it may still land, which a retry
 * with the same clientId finds, and no send in it was acknowledged.
 */
export class SerialWrites {
  private readonly gate = new KeyedLock();

  constructor(private readonly deadlineMs: number) {}

  run<T>(task: () => Promise<T>): Promise<T> {
    return this.gate.run('writes', () => withinDeadline(task(), this.deadlineMs, 'a write'));
  }
}

/**
 * `work`, or a network timeout (a retryable 503) once `ms` have passed without its
 * answer: the driver can wait forever on a socket a dying database left half-closed.
 */
export function withinDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new MongoNetworkTimeoutError(`The database did not answer ${what} in time.`)),
      ms,
    );
  });
  work.catch(() => {}); // settled later, if ever: its outcome was already reported
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
