// The baseline: a bare node:http handler doing the same database work as
// message.send (counter, message, read-model bucket) and message.list (session,
// buckets, the same message fields) on the same database, with no tRPC, auth, zod
// or superjson. With ?reads=1 it also makes the two lookups Parley makes first
// (the caller's user and the session, by _id), to tell their cost from the framework's.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ObjectId } from 'mongodb';
import type { Database } from '../src/db/database';
import type { BucketEntry } from '../src/db/documents';

const perBucket = 50;
const bucketKey = (sessionId: string, seq: number) =>
  `${sessionId}:${Math.floor((seq - 1) / perBucket)}`;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export interface BareServer {
  url: string;
  close(): Promise<void>;
}

export async function startBareServer(db: Database, userId: ObjectId): Promise<BareServer> {
  const server: Server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const lookups = async (sid: ObjectId) => {
        if (url.searchParams.get('reads') !== '1') return;
        await db.users.findOne({ _id: userId });
        await db.sessions.findOne({ _id: sid });
      };
      if (req.method === 'POST' && url.pathname === '/send') {
        const { sessionId, content } = JSON.parse(await readBody(req)) as {
          sessionId: string;
          content: string;
        };
        const sid = new ObjectId(sessionId);
        await lookups(sid);
        const now = new Date();
        const session = await db.sessions.findOneAndUpdate(
          { _id: sid, deleted: false },
          { $inc: { message_count: 1 }, $set: { last_message_at: now, updated_at: now } },
          { returnDocument: 'after' },
        );
        if (!session) throw new Error('no such session');
        const message = {
          _id: new ObjectId(),
          session_id: sid,
          user_id: userId,
          content,
          role: 'user' as const,
          created_at: now,
          updated_at: now,
          deleted: false,
          deleted_at: null,
          seq: session.message_count,
        };
        await db.messages.insertOne(message);
        const { session_id: _s, deleted: _d, deleted_at: _a, ...entry } = message;
        await db.buckets.updateOne(
          { _id: bucketKey(sessionId, message.seq) },
          { $push: { messages: entry }, $setOnInsert: { session_id: sid, n: 0 } },
          { upsert: true },
        );
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ ...message, _id: message._id.toHexString(), session_id: sessionId }),
        );
        return;
      }
      if (req.method === 'GET' && url.pathname === '/list') {
        const sessionId = url.searchParams.get('sessionId') ?? '';
        if (url.searchParams.get('reads') === '1') await db.users.findOne({ _id: userId });
        const session = await db.sessions.findOne({ _id: new ObjectId(sessionId) });
        const count = session?.message_count ?? 0;
        const from = Math.max(1, count - 49);
        const keys = [...new Set([bucketKey(sessionId, from), bucketKey(sessionId, count)])];
        const buckets = await Promise.all(keys.map((_id) => db.buckets.findOne({ _id })));
        const items = buckets
          // Object entries, as this handler writes them (Parley's are packed, chat/readModel.ts).
          .flatMap((b) => (b?.messages ?? []) as BucketEntry[])
          .filter((m) => m.seq >= from)
          // The fields Parley's message.list answers with, in plain JSON.
          .map((m) => ({
            id: m._id.toHexString(),
            sessionId,
            userId: m.user_id.toHexString(),
            seq: m.seq,
            role: m.role,
            content: m.content,
            createdAt: m.created_at,
            updatedAt: m.updated_at,
            clientId: m.client_id ?? null,
          }));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ items }));
        return;
      }
      res.writeHead(404).end();
    } catch (e) {
      res.writeHead(500).end(String(e));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
