// Start-up indexes and backfills, idempotent. Each index serves one query on
// MongoDB; none is unique over a field some documents may lack (DESIGN.md).
import type { Database } from './database';

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
  for await (const s of db.sessions.find(
    { activity_at: { $exists: false } },
    { projection: { _id: 1, last_message_at: 1, created_at: 1 } },
  )) {
    const activity = s.last_message_at ?? s.created_at ?? s._id.getTimestamp();
    await db.sessions.updateOne({ _id: s._id }, { $set: { activity_at: activity } });
  }
}

export async function ensureIndexes(db: Database): Promise<void> {
  await backfill(db);
  await Promise.all([
    db.users.createIndex({ username_lower: 1 }, { unique: true, name: 'username_lower_unique' }),
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
