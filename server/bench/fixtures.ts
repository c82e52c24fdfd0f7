// Users, tokens and sessions the measurements need, made through Parley's own
// API (so they are real), or straight in the database for the bare baseline.
import { ObjectId } from 'mongodb';
import { newSessionDoc } from '../src/chat/sessions';
import type { Database } from '../src/db/database';
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
  const docs = Array.from({ length: n }, (_, i) => newSessionDoc(new ObjectId(), `bare ${i}`, now));
  await db.sessions.insertMany(docs);
  return docs.map((d) => d._id.toHexString());
}
