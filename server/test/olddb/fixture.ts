// The old service's collections as its bug left them: a session with `_id: ""`, a
// session whose user_id is a hex string, messages whose session_id is a string, an
// orphan message and a wrong message_count. No Parley fields (seq, buckets,
// username_lower, activity_at) anywhere.
import bcrypt from 'bcrypt';
import { ObjectId } from 'mongodb';
import type { Database } from '../../src/db/database';

export interface OldServiceFixture {
  aliceId: ObjectId;
  /** 30 messages, 5 of them with a string session_id; message_count 30. */
  busySession: string;
  /** user_id stored as alice's hex string; 2 messages. */
  stringOwnedSession: string;
  /** message_count says 7; it holds 3 messages. */
  miscountedSession: string;
  messages: number;
}

const at = (minute: number) => new Date(Date.UTC(2025, 0, 1, 12, minute));

function message(sessionId: unknown, userId: unknown, minute: number, content: string) {
  return {
    session_id: sessionId,
    user_id: userId,
    content,
    role: 'user',
    created_at: at(minute),
    updated_at: at(minute),
    deleted: false,
    deleted_at: null,
  };
}

function session(fields: Record<string, unknown>) {
  return {
    title: 'Old chat',
    last_message_at: null,
    created_at: at(0),
    updated_at: at(0),
    deleted: false,
    deleted_at: null,
    ...fields,
  };
}

export async function oldServiceDatabase(db: Database): Promise<OldServiceFixture> {
  const aliceId = new ObjectId();
  const raw = (name: string) => db.db.collection(name);
  await raw('users').insertMany([
    {
      _id: aliceId,
      username: 'alice',
      email: 'alice@example.com',
      hashed_password: await bcrypt.hash('alicepass123', 4),
      created_at: at(0),
    },
    {
      username: 'testuser',
      email: 'test@example.com',
      hashed_password: await bcrypt.hash('testpass123', 4),
      created_at: at(0),
    },
  ]);
  const busy = new ObjectId();
  const stringOwned = new ObjectId();
  const miscounted = new ObjectId();
  await raw('chat_sessions').insertMany([
    session({ _id: '', user_id: aliceId, title: 'Broken by the old bug', message_count: 0 }),
    session({ _id: busy, user_id: aliceId, message_count: 30, last_message_at: at(30) }),
    session({
      _id: stringOwned,
      user_id: aliceId.toHexString(),
      title: 'String owner',
      message_count: 2,
      last_message_at: at(2),
    }),
    session({ _id: miscounted, user_id: aliceId, message_count: 7, last_message_at: at(3) }),
  ] as never[]);
  const docs = [];
  for (let i = 1; i <= 30; i++) {
    const ref = i % 6 === 0 ? busy.toHexString() : busy; // 5 of 30 as strings
    const user = i === 7 ? aliceId.toHexString() : aliceId;
    docs.push(message(ref, user, i, `message ${i}`));
  }
  docs.push(message(stringOwned, aliceId, 1, 'first'), message(stringOwned, aliceId, 2, 'second'));
  for (let i = 1; i <= 3; i++) docs.push(message(miscounted, aliceId, i, `counted ${i}`));
  docs.push(message(new ObjectId(), aliceId, 5, 'an orphan'));
  await raw('messages').insertMany(docs);
  return {
    aliceId,
    busySession: busy.toHexString(),
    stringOwnedSession: stringOwned.toHexString(),
    miscountedSession: miscounted.toHexString(),
    messages: docs.length,
  };
}
