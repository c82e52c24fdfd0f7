// The database dies mid-traffic (SIGKILL) and comes back on the same port: every
// acknowledged send survives with a correct count and read model, sends during
// the outage fail fast and retryably, the server recovers by itself, and a retry
// with the same clientId stores nothing twice.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient, ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Parley, startParley } from '../../src/app';
import { loadConfig } from '../../src/config/env';
import { testSecret } from '../support/harness';
import { type OwnedDatabase, startOwnedDatabase } from './support/ferret';
import { allMessages, newSession, type Outcome, signUp, trpcCall } from './support/trpc';

interface Attempt {
  sessionId: string;
  clientId: string;
  content: string;
  outcome: Outcome<{ id: string; seq: number }>;
  phase: 'before' | 'outage' | 'after';
}

let dir: string;
let database: OwnedDatabase;
let parley: Parley;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parley-outage-'));
  database = await startOwnedDatabase(dir);
  parley = await startParley(
    loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      MONGODB_URI: database.uri,
      MONGODB_DB: 'outage',
      JWT_SECRET: testSecret,
      BCRYPT_COST: '4',
      // Errors only: an internal error's cause is printed if one ever reaches a client.
      LOG_LEVEL: 'error',
      DEMO_USERS: 'false',
      DATA_DIR: join(dir, 'data'),
    }),
  );
});

afterAll(async () => {
  await parley?.stop();
  await database?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the database killed mid-traffic', () => {
  it('loses no acknowledged send, fails fast while down, recovers, and dedupes retries', async () => {
    const base = parley.url;
    const token = await signUp(base, 'outage_user');
    // Two sessions with two writers each, so writes to one session interleave.
    const sessions = [await newSession(base, token), await newSession(base, token)];
    const attempts: Attempt[] = [];
    let phase: Attempt['phase'] = 'before';
    let stop = false;
    let n = 0;
    const writer = async (sessionId: string) => {
      while (!stop) {
        const clientId = randomUUID();
        const content = `message ${++n}`;
        const at = phase;
        const outcome = await trpcCall<{ id: string; seq: number }>(
          base,
          'mutation',
          'message.send',
          { sessionId, content, clientId },
          token,
        );
        attempts.push({ sessionId, clientId, content, outcome, phase: at });
        await sleep(outcome.ok ? 10 : 100);
      }
    };
    const writers = [...sessions, ...sessions].map(writer);

    await sleep(1_500);
    phase = 'outage';
    await database.kill('SIGKILL');
    // Longer than the driver's 5 s server selection, so sends fail rather than wait it out.
    await sleep(7_000);
    await database.restart();
    phase = 'after';
    const restartedAt = attempts.length;
    // The server finds the database again by itself: wait for sends to succeed.
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (attempts.slice(restartedAt).filter((a) => a.outcome.ok).length >= 10) break;
      await sleep(100);
    }
    stop = true;
    await Promise.all(writers);

    const failed = attempts.filter((a) => !a.outcome.ok);
    const codes = [...new Set(failed.map((a) => a.outcome.code))];
    const slowest = Math.max(...attempts.map((a) => a.outcome.ms));
    console.log(
      `outage: ${attempts.length} sends, ${failed.length} failed (${codes.join(', ')}), slowest ${slowest.toFixed(0)} ms`,
    );
    expect(attempts.filter((a) => a.phase === 'before' && a.outcome.ok).length).toBeGreaterThan(0);
    expect(attempts.filter((a) => a.phase === 'outage' && !a.outcome.ok).length).toBeGreaterThan(0);
    expect(attempts.slice(restartedAt).some((a) => a.outcome.ok)).toBe(true);
    // Clear and retryable: 503 SERVICE_UNAVAILABLE, never a 500 or a hang.
    for (const a of failed) {
      expect(a.outcome.code, JSON.stringify(a.outcome)).toBe('SERVICE_UNAVAILABLE');
      expect(a.outcome.status).toBe(503);
    }
    expect(slowest).toBeLessThan(15_000);

    // Retry every failed send with its clientId until it is acknowledged.
    for (const a of failed) {
      for (let i = 0; i < 20 && !a.outcome.ok; i++) {
        a.outcome = await trpcCall(
          base,
          'mutation',
          'message.send',
          { sessionId: a.sessionId, clientId: a.clientId, content: a.content },
          token,
        );
        if (!a.outcome.ok) await sleep(250);
      }
      expect(a.outcome.ok, JSON.stringify(a.outcome)).toBe(true);
    }
    // A second retry of an acknowledged send returns the same message.
    const again = failed[0] as Attempt;
    const repeat = await trpcCall<{ id: string }>(
      base,
      'mutation',
      'message.send',
      { sessionId: again.sessionId, clientId: again.clientId, content: again.content },
      token,
    );
    expect(repeat.data?.id).toBe(again.outcome.data?.id);

    const client = new MongoClient(database.uri);
    try {
      const db = client.db('outage');
      for (const sessionId of sessions) {
        const acked = attempts.filter((a) => a.sessionId === sessionId);
        const ackedIds = new Set(acked.map((a) => a.outcome.data?.id));
        expect(ackedIds.size).toBe(acked.length);
        const stored = await db
          .collection('messages')
          .find({ session_id: new ObjectId(sessionId) })
          .toArray();
        // Every acknowledged send is stored exactly once, and nothing else is.
        expect(new Set(stored.map((m) => m._id.toHexString()))).toEqual(ackedIds);
        const before = await db
          .collection('chat_sessions')
          .findOne({ _id: new ObjectId(sessionId) });
        if (before?.message_count !== stored.length) {
          console.log(
            `session ${sessionId}: message_count ${before?.message_count} before any read, ${stored.length} messages`,
          );
        }
        // The read model (what message.list serves) holds the same messages, numbered 1..N.
        const listed = await allMessages(base, token, sessionId);
        expect(new Set(listed.map((m) => m.id))).toEqual(ackedIds);
        expect(listed.map((m) => m.seq)).toEqual(listed.map((_, i) => i + 1));
        const got = await trpcCall<{ messageCount: number }>(
          base,
          'query',
          'session.get',
          { id: sessionId },
          token,
        );
        expect(got.data?.messageCount).toBe(stored.length);
      }
    } finally {
      await client.close();
    }
  });
});
