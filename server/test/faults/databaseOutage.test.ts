// The database dies mid-traffic (SIGKILL) and comes back on the same port: every
// acknowledged send survives with a correct count and read model, sends during
// the outage fail with a retryable 503 and Retry-After, the server recovers by
// itself, and a retry with the same clientId stores nothing twice. Sends into one
// session are stored in batches: the first phase lasts until acknowledged sends
// have shared one. Each phase lasts until what it waits for is seen, so a slow
// machine only makes it longer.
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
  outcome: Outcome<{ id: string; seq: number; createdAt?: string }>;
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
    // Two sessions with four writers each, so sends to one session wait together and batch.
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
        const outcome = await trpcCall<{ id: string; seq: number; createdAt?: string }>(
          base,
          'mutation',
          'message.send',
          { sessionId, content, clientId },
          token,
        );
        attempts.push({ sessionId, clientId, content, outcome, phase: at });
        // Paces the writers; no assertion depends on this time.
        await sleep(outcome.ok ? 10 : 100);
      }
    };
    const writers = [...sessions, ...sessions, ...sessions, ...sessions].map(writer);
    const acked = (from: number) => attempts.slice(from).filter((a) => a.outcome.ok).length;

    let restartedAt = 0;
    let rest: { status: number; retryAfter: string | null } = { status: 0, retryAfter: null };
    try {
      // Each phase lasts until what it is for has been seen (bounded), never a fixed time.
      await waitFor(
        'sends acknowledged before the outage, some of them in one batch',
        () => acked(0) >= 10 && batchedSends(attempts) > 0,
      );
      phase = 'outage';
      const killedAt = attempts.length;
      await database.kill('SIGKILL');
      // Keep the database down until four sends have failed, and a REST read has too.
      await waitFor(
        'sends failing during the outage',
        () =>
          attempts.slice(killedAt).filter((a) => a.phase === 'outage' && !a.outcome.ok).length >= 4,
      );
      rest = await restDuringOutage(base, token, sessions[0] as string);
      await database.restart();
      phase = 'after';
      restartedAt = attempts.length;
      // The server finds the database again by itself.
      await waitFor('sends acknowledged after the restart', () => acked(restartedAt) >= 10);
    } finally {
      stop = true;
      await Promise.all(writers);
    }

    const failed = attempts.filter((a) => !a.outcome.ok);
    const codes = [...new Set(failed.map((a) => a.outcome.code))];
    console.log(
      `outage: ${attempts.length} sends, ${failed.length} failed (${codes.join(', ')}), ${batchedSends(attempts)} acknowledged in shared batches`,
    );
    expect(attempts.filter((a) => a.phase === 'before' && a.outcome.ok).length).toBeGreaterThan(0);
    expect(attempts.filter((a) => a.phase === 'outage' && !a.outcome.ok).length).toBeGreaterThan(0);
    expect(attempts.slice(restartedAt).some((a) => a.outcome.ok)).toBe(true);
    // Clear and retryable: 503 SERVICE_UNAVAILABLE with Retry-After, never a 500 or a hang
    // (a hang would end in the call's own deadline, code TIMEOUT).
    for (const a of failed) {
      expect(a.outcome.code, JSON.stringify(a.outcome)).toBe('SERVICE_UNAVAILABLE');
      expect(a.outcome.status).toBe(503);
      expect(Number(a.outcome.retryAfter), JSON.stringify(a.outcome)).toBeGreaterThan(0);
    }
    // The REST API answers the same outage the same way.
    expect(rest.status, JSON.stringify(rest)).toBe(503);
    expect(Number(rest.retryAfter)).toBeGreaterThan(0);

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
        if (!a.outcome.ok) await sleep(250); // a pause between retries, as a client would
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
  }, 180_000);
});

/**
 * Acknowledged sends that shared a batch with another: a batch stores its messages
 * with one creation time, so two in one session with the same createdAt were one.
 */
function batchedSends(attempts: Attempt[]): number {
  const seen = new Map<string, number>();
  for (const a of attempts) {
    if (!a.outcome.ok || !a.outcome.data?.createdAt) continue;
    const key = `${a.sessionId} ${a.outcome.data.createdAt}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return [...seen.values()].filter((n) => n > 1).reduce((s, n) => s + n, 0);
}

/** Waits until `check` holds, polling; fails with `what` once the bound passes. */
async function waitFor(what: string, check: () => boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${ms} ms`);
    await sleep(50);
  }
}

/** A REST read while the database is down: retried (bounded) until it is refused. */
async function restDuringOutage(
  base: string,
  token: string,
  sessionId: string,
): Promise<{ status: number; retryAfter: string | null }> {
  let last = { status: 0, retryAfter: null as string | null };
  for (let i = 0; i < 50 && last.status !== 503; i++) {
    const res = await fetch(`${base}/chat/sessions/${sessionId}`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(20_000),
    });
    await res.arrayBuffer();
    last = { status: res.status, retryAfter: res.headers.get('retry-after') };
    if (last.status !== 503) await sleep(100);
  }
  return last;
}
