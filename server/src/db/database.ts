// The database: one MongoClient, typed collections and start-up indexes.
// Data logic receives a Database; nothing else opens connections.
import { type Collection, type Db, MongoClient } from 'mongodb';
import type {
  BucketDoc,
  FoldersDoc,
  MessageDoc,
  MessageKeyDoc,
  PurgeDoc,
  RefreshTokenDoc,
  RevokedFamilyDoc,
  SessionDoc,
  SessionIndexDoc,
  UserDoc,
  UserNameDoc,
} from './documents';

/**
 * What answers the wire protocol. FerretDB v1 reads and rewrites a document in two
 * steps, so no update is atomic against another writer there, and each command
 * costs far more than each statement in it (server/DESIGN-NOTES-sends.md).
 */
export type Engine = 'mongodb' | 'ferretdb';

export interface Database {
  client: MongoClient;
  db: Db;
  engine: Engine;
  users: Collection<UserDoc>;
  sessions: Collection<SessionDoc>;
  messages: Collection<MessageDoc>;
  buckets: Collection<BucketDoc>;
  refreshTokens: Collection<RefreshTokenDoc>;
  revokedFamilies: Collection<RevokedFamilyDoc>;
  messageKeys: Collection<MessageKeyDoc>;
  sessionIndex: Collection<SessionIndexDoc>;
  userNames: Collection<UserNameDoc>;
  folders: Collection<FoldersDoc>;
  purges: Collection<PurgeDoc>;
}

export class DatabaseUnreachableError extends Error {
  override name = 'DatabaseUnreachableError';
}

/** The URI with any password hidden, for messages. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
}

export function openDatabase(
  client: MongoClient,
  dbName: string,
  engine: Engine = 'mongodb',
): Database {
  const db = client.db(dbName);
  return {
    client,
    db,
    engine,
    users: db.collection<UserDoc>('users'),
    sessions: db.collection<SessionDoc>('chat_sessions'),
    messages: db.collection<MessageDoc>('messages'),
    buckets: db.collection<BucketDoc>('message_buckets'),
    refreshTokens: db.collection<RefreshTokenDoc>('refresh_tokens'),
    revokedFamilies: db.collection<RevokedFamilyDoc>('refresh_revoked_families'),
    messageKeys: db.collection<MessageKeyDoc>('message_keys'),
    sessionIndex: db.collection<SessionIndexDoc>('session_index'),
    userNames: db.collection<UserNameDoc>('user_names'),
    folders: db.collection<FoldersDoc>('folders'),
    purges: db.collection<PurgeDoc>('pending_purges'),
  };
}

/** Connects and pings, failing within a few seconds when the server cannot be reached. */
export async function connectDatabase(
  uri: string,
  dbName: string,
  what = 'MONGODB_URI',
): Promise<Database> {
  const client = new MongoClient(uri, {
    appName: 'parley',
    serverSelectionTimeoutMS: 5_000,
    connectTimeoutMS: 5_000,
    maxPoolSize: 64,
  });
  let engine: Engine;
  try {
    await client.connect();
    await client.db(dbName).command({ ping: 1 });
    engine = await engineOf(client);
  } catch (e) {
    await client.close().catch(() => {});
    throw new DatabaseUnreachableError(
      `Cannot reach the database at ${what} (${redactUri(uri)}): ${(e as Error).message}`,
    );
  }
  return openDatabase(client, databaseInUri(uri) || dbName, engine);
}

/** FerretDB says so in its buildInfo. */
export async function engineOf(client: MongoClient): Promise<Engine> {
  const info = await client.db('admin').command({ buildInfo: 1 });
  return typeof info.ferretdbVersion === 'string' ? 'ferretdb' : 'mongodb';
}

/**
 * The database a URI names, '' when none. Parsed by hand: a Unix socket URI's host
 * is a percent-encoded path (`mongodb://%2Fdata%2Fdb.sock/`), which URL refuses.
 */
export function databaseInUri(uri: string): string {
  const path = /^mongodb(?:\+srv)?:\/\/[^/?#]*\/([^?#]*)/.exec(uri)?.[1] ?? '';
  return decodeURIComponent(path);
}
