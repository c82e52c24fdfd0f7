// SIGTERM during load: Parley (a real child process) finishes the requests in
// flight, takes no new connections, exits 0, and loses no acknowledged write.
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { findUserByName } from '../../src/auth/users';
import { connectDatabase } from '../../src/db/database';
import { InProcessBus } from '../../src/realtime/bus';
import { createServices } from '../../src/services';
import { callerFor, freshDbName, testConfig } from '../support/harness';
import { onTestDatabase, runMain, waitForOutput } from '../support/processes';
import { newSession, type Outcome, signUp, trpcCall } from './support/trpc';

interface Sent {
  sessionId: string;
  startedAt: number;
  outcome: Outcome<{ id: string }>;
  endedAt: number;
}

/** A request on a brand-new connection: true when the server answered at all. */
function answersNewConnection(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(`${url}/healthz`, { agent: false, timeout: 2_000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

describe('SIGTERM during load', () => {
  it('finishes requests in flight, refuses new ones, and loses no acknowledged write', async () => {
    const dbName = freshDbName();
    const child = runMain(onTestDatabase(dbName, { LOG_LEVEL: 'warn' }));
    const [, base = ''] = await waitForOutput(child, /listening on (http:\/\/\S+)/);
    const token = await signUp(base, 'shutdown_user');
    const sessions = [await newSession(base, token), await newSession(base, token)];
    const sent: Sent[] = [];
    let n = 0;
    const writer = async (sessionId: string) => {
      for (;;) {
        const startedAt = performance.now();
        const outcome = await trpcCall<{ id: string }>(
          base,
          'mutation',
          'message.send',
          { sessionId, content: `message ${++n}` },
          token,
          10_000,
        );
        sent.push({ sessionId, startedAt, outcome, endedAt: performance.now() });
        if (outcome.code === 'NETWORK' || outcome.code === 'TIMEOUT') return;
      }
    };
    const writers = Array.from({ length: 8 }, (_, i) => writer(sessions[i % 2] as string));
    // Traffic first (seen, not slept on), then the signal.
    const deadline = Date.now() + 30_000;
    while (sent.filter((s) => s.outcome.ok).length < 20 && Date.now() < deadline) await sleep(20);
    const sigtermAt = performance.now();
    child.proc.kill('SIGTERM');
    // Once it says so, the server has stopped listening: a new connection must be refused.
    await waitForOutput(child, /SIGTERM: finishing requests in flight/);
    const newConnectionAnswered = await answersNewConnection(base);
    await Promise.all(writers);
    const code = await child.exited;

    const acked = sent.filter((s) => s.outcome.ok);
    const finishedAfterSignal = acked.filter(
      (s) => s.startedAt < sigtermAt && s.endedAt > sigtermAt,
    );
    // A request that arrives on a kept-alive connection mid-stop is turned away with a
    // retryable 503; a new connection is refused (status 0). Nothing else may fail.
    const httpErrors = sent.filter(
      (s) => !s.outcome.ok && s.outcome.status !== 0 && s.outcome.status !== 503,
    );
    console.log(
      `shutdown: ${acked.length} acknowledged, ${finishedAfterSignal.length} finished after SIGTERM, ${httpErrors.length} HTTP errors, exit ${code}`,
    );
    expect(code).toBe(0);
    expect(newConnectionAnswered).toBe(false);
    expect(finishedAfterSignal.length).toBeGreaterThan(0);
    expect(httpErrors.map((s) => s.outcome)).toEqual([]);

    // Everything acknowledged is stored, counted and in the read model.
    const config = testConfig({ MONGODB_DB: dbName });
    const db = await connectDatabase(config.mongoUri ?? '', dbName);
    const services = createServices(config, db, new InProcessBus());
    try {
      const user = await findUserByName(db, 'shutdown_user');
      const caller = callerFor(services, user);
      for (const sessionId of sessions) {
        const ackedIds = acked
          .filter((s) => s.sessionId === sessionId)
          .map((s) => s.outcome.data?.id);
        const stored = await db.messages.find({ session_id: new ObjectId(sessionId) }).toArray();
        const storedIds = new Set(stored.map((m) => m._id.toHexString()));
        for (const id of ackedIds) expect(storedIds.has(id as string)).toBe(true);
        const raw = await db.sessions.findOne({ _id: new ObjectId(sessionId) });
        // No send is cut off after its counter moved: the count is right before any read.
        expect(raw?.message_count).toBe(stored.length);
        const page = await caller.message.list({ sessionId, limit: 200 });
        const listed = new Set(page.items.map((m) => m.id));
        for (const id of ackedIds.slice(-100)) expect(listed.has(id as string)).toBe(true);
        const session = await caller.session.get({ id: sessionId });
        expect(session.messageCount).toBe(stored.length);
      }
    } finally {
      await services.bus.close();
      await db.client.close();
    }
  });
});
