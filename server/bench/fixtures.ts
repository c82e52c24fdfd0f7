// Users, tokens and sessions the measurements need, made through Parley's own
// API (so they are real), or straight in the database for the bare baseline.
import { ObjectId } from 'mongodb';
import type { Database } from '../src/db/database';
import type { SessionDoc } from '../src/db/documents';
import { agentFor, send } from './http';
import { resultOf, trpcMutation } from './trpcRequests';

const agent = agentFor(8);

export async function call<T>(base: string, spec: ReturnType<typeof trpcMutation>): Promise<T> {
  const a = await send(base, spec, agent);
  return resultOf<T>(a.body);
}

export const benchPassword = 'bench password 123';

export async function registerUser(
  base: string,
  username: string,
): Promise<{ token: string; userId: string }> {
  const out = await call<{ accessToken: string; user: { id: string } }>(
    base,
    trpcMutation('auth.register', {
      username,
      password: benchPassword,
      refreshTransport: 'body',
    }),
  );
  return { token: out.accessToken, userId: out.user.id };
}

export async function createSessions(base: string, token: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    ids.push(
      (await call<{ id: string }>(base, trpcMutation('session.create', { title: `s${i}` }, token)))
        .id,
    );
  }
  return ids;
}

/** Sessions for the bare handler, inserted directly. */
export async function bareSessions(db: Database, n: number): Promise<string[]> {
  const now = new Date();
  const docs: SessionDoc[] = Array.from({ length: n }, (_, i) => ({
    _id: new ObjectId(),
    user_id: new ObjectId(),
    title: `bare ${i}`,
    message_count: 0,
    last_message_at: null,
    created_at: now,
    updated_at: now,
    deleted: false,
    deleted_at: null,
    activity_at: now,
    read_model: 1,
  }));
  await db.sessions.insertMany(docs);
  return docs.map((d) => d._id.toHexString());
}
