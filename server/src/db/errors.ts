// Database errors worth retrying: the server is unreachable, or (FerretDB on
// SQLite) a write lost a lock race with another one and was not applied.
import { MongoNetworkError, MongoServerError, MongoServerSelectionError } from 'mongodb';

const lockRace = /SQLITE_BUSY|database is locked/;

export function isTransientDatabaseError(e: unknown): boolean {
  if (e instanceof MongoNetworkError || e instanceof MongoServerSelectionError) return true;
  return e instanceof MongoServerError && lockRace.test(e.message);
}
