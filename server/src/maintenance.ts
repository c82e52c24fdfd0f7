// Periodic sweeps of collections that grow with time (no TTL indexes on FerretDB v1).
import { sweepRefresh } from './auth/refresh';
import { sweepTrash } from './chat/trashSweep';
import { log } from './log';
import type { Services } from './services';

const everyMs = 60 * 60_000;
/** A retry with the same clientId is honoured for this long. */
export const messageKeyTtlMs = 7 * 86_400_000;

/** A sweep running longer than this is taken as stuck (a database call that never ends). */
const stuckAfterMs = 3 * everyMs;

/** The sweep running in this process (services.sweeping): a tick while it runs joins it. */
export interface RunningSweep {
  done: Promise<void>;
  since: number;
}

/**
 * One sweep of everything; asked for while one runs (a slow trash, a slow
 * database), it is that sweep, so two never read the collections at once. One
 * that has run for hours is left behind, so a stuck call cannot stop every later sweep.
 */
export function sweepOnce(services: Services, now = Date.now()): Promise<void> {
  const current = services.sweeping;
  if (current && now - current.since < stuckAfterMs) return current.done;
  if (current) log.warn('a sweep has run for hours; starting another', { since: current.since });
  const sweep: RunningSweep = {
    since: now,
    done: sweepAll(services).finally(() => {
      if (services.sweeping === sweep) services.sweeping = null;
    }),
  };
  services.sweeping = sweep;
  return sweep.done;
}

async function sweepAll(services: Services): Promise<void> {
  const refresh = await sweepRefresh(services.db);
  const keys = await services.db.messageKeys.deleteMany({
    created_at: { $lt: new Date(Date.now() - messageKeyTtlMs) },
  });
  const trash = await sweepTrash(services);
  // Purges another process left unfinished (it stopped, or its lease ran out).
  await services.purges.resume();
  if (refresh + keys.deletedCount + trash > 0) {
    log.info('swept expired records', {
      refreshTokens: refresh,
      messageKeys: keys.deletedCount,
      trashedSessions: trash,
    });
  }
}

export function startSweeper(services: Services): NodeJS.Timeout {
  const run = () =>
    void sweepOnce(services).catch((e) => log.warn('sweep failed', { error: String(e) }));
  setTimeout(run, 5_000).unref();
  const timer = setInterval(run, everyMs);
  timer.unref();
  return timer;
}
