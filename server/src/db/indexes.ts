// Start-up indexes and backfills, idempotent. Each index serves one query on
// MongoDB; none is unique over a field some documents may lack (on MongoDB a
// missing field counts as null and would collide; FerretDB v1 does not).
import type { Database } from './database';
import { isDuplicateKey } from './ids';

/** Fills fields the old service never wrote, so the indexes below can be built. */
async function backfill(db: Database): Promise<void> {
  for await (const user of db.users.find(
    { username_lower: { $exists: false } },
    { projection: { _id: 1, username: 1 } },
  )) {
    if (typeof user.username === 'string') {
      await db.users.updateOne(
        { _id: user._id },
        { $set: { username_lower: user.username.toLowerCase(), token_version: 0 } },
      );
    }
  }
  await backfillUserNames(db);
  for await (const s of db.sessions.find(
    { activity_at: { $exists: false } },
    { projection: { _id: 1, last_message_at: 1, created_at: 1 } },
  )) {
    const activity = s.last_message_at ?? s.created_at ?? s._id.getTimestamp();
    await db.sessions.updateOne({ _id: s._id }, { $set: { activity_at: activity } });
  }
}

/** A `user_names` entry (sign-in's `_id` lookup) for every account that lacks one. */
async function backfillUserNames(db: Database): Promise<void> {
  const named = new Set<string>();
  for await (const n of db.userNames.find({}, { projection: { _id: 1 } })) named.add(n._id);
  for await (const u of db.users.find({}, { projection: { _id: 1, username_lower: 1 } })) {
    if (typeof u.username_lower !== 'string' || named.has(u.username_lower)) continue;
    try {
      await db.userNames.insertOne({ _id: u.username_lower, user_id: u._id });
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
    }
  }
}

/** The database holds something Parley cannot start on; the message says what to do. */
export class DatabaseStateError extends Error {
  override name = 'DatabaseStateError';
}

/** Usernames are unique without regard to case; an old database may hold "Alice" and "alice". */
async function ensureUniqueUsernames(db: Database): Promise<void> {
  try {
    await db.users.createIndex(
      { username_lower: 1 },
      { unique: true, name: 'username_lower_unique' },
    );
  } catch (e) {
    const seen = new Map<string, string>();
    const clashes: string[] = [];
    for await (const u of db.users.find({}, { projection: { username: 1, username_lower: 1 } })) {
      const key = u.username_lower ?? String(u.username).toLowerCase();
      const first = seen.get(key);
      if (first !== undefined) clashes.push(`"${first}", "${u.username}"`);
      else seen.set(key, u.username);
    }
    if (clashes.length === 0) throw e;
    throw new DatabaseStateError(
      `Usernames must be unique without regard to case, and these accounts are equal without regard to case: ${clashes.slice(0, 5).join('; ')}. ` +
        'Rename one of each (`npm run doctor` lists them all), then start Parley again.',
    );
  }
}

export async function ensureIndexes(db: Database): Promise<void> {
  await backfill(db);
  await Promise.all([
    ensureUniqueUsernames(db),
    // session.list: a user's live sessions or trash, newest activity first.
    db.sessions.createIndex(
      { user_id: 1, deleted: 1, activity_at: -1, _id: -1 },
      { name: 'user_activity' },
    ),
    // Read-model rebuilds and the doctor: a session's messages in order.
    db.messages.createIndex({ session_id: 1, seq: 1 }, { name: 'session_seq' }),
    db.messages.createIndex({ session_id: 1, created_at: 1 }, { name: 'session_created' }),
    db.refreshTokens.createIndex({ family: 1 }, { name: 'family' }),
    db.refreshTokens.createIndex({ expires_at: 1 }, { name: 'expires' }),
    db.messageKeys.createIndex({ created_at: 1 }, { name: 'created' }),
  ]);
}
