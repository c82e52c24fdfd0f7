// Database errors worth retrying: the server is unreachable, went away mid-command,
// is shutting down, or (FerretDB on SQLite) a write lost a lock race and was not applied.
import {
  MongoClientClosedError,
  MongoError,
  MongoErrorLabel,
  MongoNetworkError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';

const lockRace = /SQLITE_BUSY|database is locked/;

// Node socket errors the driver can throw unwrapped: a write to a socket the server
// closed fails with EPIPE ("This socket has been ended by the other party").
const socketCodes = new Set([
  'EPIPE',
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
]);

// Labels the driver or server put on an error that a later attempt may not meet.
const retryableLabels = [
  MongoErrorLabel.RetryableWriteError,
  MongoErrorLabel.RetryableError,
  MongoErrorLabel.TransientTransactionError,
  MongoErrorLabel.ResetPool,
  MongoErrorLabel.PoolRequestedRetry,
  MongoErrorLabel.InterruptInUseConnections,
  MongoErrorLabel.SystemOverloadedError,
];

// Server codes for "not reachable / shutting down / stepped down" (the driver's retryable set).
const retryableServerCodes = new Set([
  6, 7, 89, 91, 134, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436,
]);

/** How far down a chain of causes to look; a cycle or a deep chain stops here. */
const maxCauseDepth = 8;

function isTransientOne(e: unknown): boolean {
  if (
    e instanceof MongoNetworkError || // also MongoNetworkTimeoutError and the pool-cleared error
    e instanceof MongoServerSelectionError ||
    e instanceof MongoTopologyClosedError ||
    e instanceof MongoClientClosedError
  ) {
    return true;
  }
  if (e instanceof MongoError) {
    if (retryableLabels.some((label) => e.hasErrorLabel(label))) return true;
    if (e instanceof MongoServerError) {
      return retryableServerCodes.has(Number(e.code)) || lockRace.test(e.message);
    }
    return false;
  }
  const code = (e as { code?: unknown } | null)?.code;
  return e instanceof Error && typeof code === 'string' && socketCodes.has(code);
}

/** True when the error, or one of its causes, says the database is away or busy for now. */
export function isTransientDatabaseError(e: unknown): boolean {
  let current = e;
  for (let depth = 0; depth < maxCauseDepth && current != null; depth++) {
    if (isTransientOne(current)) return true;
    if (current instanceof AggregateError && current.errors.slice(0, 8).some(isTransientOne)) {
      return true;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
