// Sends waiting for the same session are stored as one batch: these hold the
// guarantees of single sends (seq 1..N once each, one message per clientId, the
// read model across a bucket boundary, many sessions at once) and count the
// database commands a burst makes, every one of them by `{ _id }` alone.
import type { Message } from '@parley/shared';
import { type CommandStartedEvent, type MongoClient, ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendMessage } from '../../src/chat/messages';
import { bucketSize, entriesOf } from '../../src/chat/readModel';
import type { UserDoc } from '../../src/db/documents';
import type { Services } from '../../src/services';
import { newUser } from '../support/harness';
import { monitoredServices } from '../support/monitored';

let services: Services;
let client: MongoClient;
let commands: CommandStartedEvent[] = [];

beforeAll(async () => {
  ({ services, client, commands } = await monitoredServices());
});
afterAll(() => client.close());

type Caller = Awaited<ReturnType<typeof newUser>>['caller'];

/** Every message of a session through message.list, oldest first. */
async function listed(caller: Caller, sessionId: string): Promise<Message[]> {
  const pages: Message[][] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const page: { items: Message[]; nextCursor: string | null } = await caller.message.list({
      sessionId,
      limit: 20,
      cursor,
    });
    pages.unshift(page.items);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return pages.flat();
}

const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** Sends queued in the same tick, so they wait on the session's lock together. */
function burst(user: UserDoc, sessionId: string, n: number, clientId?: (i: number) => string) {
  return Promise.all(
    Array.from({ length: n }, (_, i) =>
      sendMessage(services, user, {
        sessionId,
        content: `b${i + 1}`,
        ...(clientId ? { clientId: clientId(i) } : {}),
      }),
    ),
  );
}

function isIdOnly(filter: unknown): boolean {
  if (typeof filter !== 'object' || filter === null) return false;
  const keys = Object.keys(filter);
  const id = (filter as { _id?: unknown })._id;
  return (
    keys.length === 1 && keys[0] === '_id' && (typeof id === 'string' || id instanceof ObjectId)
  );
}

/** The filters a command reads or writes by. */
function filtersOf(e: CommandStartedEvent): unknown[] {
  const c = e.command as Record<string, unknown>;
  if (e.commandName === 'find') return [c.filter ?? {}];
  if (e.commandName === 'update') return (c.updates as Array<{ q: unknown }>).map((u) => u.q);
  if (e.commandName === 'findAndModify') return [c.query];
  if (e.commandName === 'delete') return (c.deletes as Array<{ q: unknown }>).map((d) => d.q);
  return [];
}

const dataCommands = () => commands.filter((e) => e.commandName !== 'endSessions');

describe('batched sends', () => {
  it('50 concurrent sends into one session get seq 1..50 once each and a count of 50', async () => {
    const { user, caller } = await newUser(services);
    const s = await caller.session.create();
    const sent = await burst(user, s.id, 50);
    expect(sent.map((m) => m.seq).sort((a, b) => a - b)).toEqual(oneTo(50));
    // Order per session: the queue's order is the seq order.
    expect(sent.map((m) => m.content)).toEqual(oneTo(50).map((i) => `b${i}`));
    expect((await caller.session.get({ id: s.id })).messageCount).toBe(50);
    const sid = ObjectId.createFromHexString(s.id);
    expect(await services.db.messages.countDocuments({ session_id: sid })).toBe(50);
    expect((await listed(caller, s.id)).map((m) => m.seq)).toEqual(oneTo(50));
    // The owner's index (what the sidebar reads) counts them too.
    const list = await caller.session.list({});
    expect(list.items.find((x) => x.id === s.id)?.messageCount).toBe(50);
  });

  it('stores each clientId once when copies of it are sent concurrently, in one batch and across batches', async () => {
    const { user, caller } = await newUser(services);
    const s = await caller.session.create();
    const ids = Array.from({ length: 8 }, () => crypto.randomUUID());
    // Three copies of each clientId in one burst, then the same again in a second burst.
    const first = await burst(user, s.id, 24, (i) => ids[i % 8] as string);
    const second = await burst(user, s.id, 24, (i) => ids[i % 8] as string);
    for (const [k, clientId] of ids.entries()) {
      const copies = [...first, ...second].filter((m) => m.clientId === clientId);
      expect(copies).toHaveLength(6);
      expect(new Set(copies.map((m) => m.id)).size, `clientId #${k}`).toBe(1);
    }
    expect(new Set(first.map((m) => m.seq))).toEqual(new Set(oneTo(8)));
    expect((await caller.session.get({ id: s.id })).messageCount).toBe(8);
    const stored = await listed(caller, s.id);
    expect(stored.map((m) => m.seq)).toEqual(oneTo(8));
    expect(new Set(stored.map((m) => m.clientId))).toEqual(new Set(ids));
  });

  it('a batch across a bucket boundary is one insert and one bucket write, and reads back in order', async () => {
    const { user, caller } = await newUser(services);
    const s = await caller.session.create();
    const before = bucketSize - 5;
    for (let i = 0; i < before; i++) {
      await caller.message.send({ sessionId: s.id, content: `m${i + 1}` });
    }
    commands.length = 0;
    const sent = await burst(user, s.id, 12);
    expect(sent.map((m) => m.seq)).toEqual(oneTo(12).map((i) => before + i));
    const inserts = dataCommands().filter((e) => e.commandName === 'insert');
    expect(inserts.map((e) => (e.command.documents as unknown[]).length)).toEqual([12]);
    const bucketWrites = dataCommands().filter((e) => e.command.update === 'message_buckets');
    expect(bucketWrites).toHaveLength(1);
    expect(bucketWrites[0]?.command.updates).toHaveLength(2);

    const all = await listed(caller, s.id);
    expect(all.map((m) => m.seq)).toEqual(oneTo(before + 12));
    expect(all.map((m) => m.content)).toEqual([
      ...oneTo(before).map((i) => `m${i}`),
      ...oneTo(12).map((i) => `b${i}`),
    ]);
    const b0 = await services.db.buckets.findOne({ _id: `${s.id}:0` });
    const b1 = await services.db.buckets.findOne({ _id: `${s.id}:1` });
    expect(entriesOf(b0).map((m) => m.seq)).toEqual(oneTo(bucketSize));
    expect(entriesOf(b1).map((m) => m.seq)).toEqual(
      oneTo(before + 12 - bucketSize).map((i) => bucketSize + i),
    );
  });

  it('sends into 16 sessions at once keep each session numbered 1..N, and share the inserts', async () => {
    const { user, caller } = await newUser(services);
    const sessions = await Promise.all(Array.from({ length: 16 }, () => caller.session.create()));
    commands.length = 0;
    const rounds = 4;
    const sent = await Promise.all(sessions.map((s) => burst(user, s.id, rounds)));
    const inserts = dataCommands().filter((e) => e.command.insert === 'messages');
    expect(inserts.length).toBeLessThan(16 * rounds);
    // On FerretDB, in one process, the counters share commands too, and none reads back.
    if (services.db.engine !== 'ferretdb') return;
    const counters = dataCommands().filter(
      (e) => e.command.update === 'chat_sessions' || e.command.findAndModify === 'chat_sessions',
    );
    expect(counters.every((e) => e.commandName === 'update')).toBe(true);
    // One statement per session batch, and fewer commands than statements.
    const statements = counters.reduce((n, e) => n + (e.command.updates as unknown[]).length, 0);
    expect(statements).toBeGreaterThanOrEqual(16);
    expect(counters.length).toBeLessThan(statements);
    for (const [i, s] of sessions.entries()) {
      expect(sent[i]?.map((m) => m.seq)).toEqual(oneTo(rounds));
      expect((await listed(caller, s.id)).map((m) => m.content)).toEqual(
        oneTo(rounds).map((k) => `b${k}`),
      );
    }
    const list = await caller.session.list({ limit: 50 });
    for (const s of sessions) {
      expect(list.items.find((x) => x.id === s.id)?.messageCount).toBe(rounds);
    }
  });

  it('refuses, one by one, the sends in a batch from someone who does not own the session', async () => {
    const owner = await newUser(services);
    const stranger = await newUser(services);
    const s = await owner.caller.session.create();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        sendMessage(services, i % 2 ? stranger.user : owner.user, {
          sessionId: s.id,
          content: `o${i + 1}`,
        }),
      ),
    );
    const codes = outcomes.map((o) =>
      o.status === 'fulfilled' ? 'OK' : (o.reason as { code?: string }).code,
    );
    expect(codes).toEqual([
      'OK',
      'NOT_FOUND',
      'OK',
      'NOT_FOUND',
      'OK',
      'NOT_FOUND',
      'OK',
      'NOT_FOUND',
    ]);
    const stored = await listed(owner.caller, s.id);
    expect(stored.map((m) => m.content)).toEqual(['o1', 'o3', 'o5', 'o7']);
    expect(stored.map((m) => m.seq)).toEqual(oneTo(4));
  });

  it('a batch whose bucket write fails fails every send in it, and the read model is repaired', async () => {
    const { user, caller } = await newUser(services);
    const s = await caller.session.create();
    // A bucket no $push can append to: the batch's last write fails.
    await services.db.buckets.insertOne({
      _id: `${s.id}:0`,
      session_id: ObjectId.createFromHexString(s.id),
      n: 0,
      messages: 'not a list' as unknown as [],
    });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) =>
        sendMessage(services, user, { sessionId: s.id, content: `f${i + 1}` }),
      ),
    );
    expect(outcomes.map((o) => o.status)).toEqual(Array(6).fill('rejected'));
    expect(services.damaged.has(s.id)).toBe(true);
    // The messages were stored before the bucket failed: the repair numbers them 1..6.
    const repaired = await listed(caller, s.id);
    expect(services.damaged.has(s.id)).toBe(false);
    expect(repaired.map((m) => m.seq)).toEqual(oneTo(6));
    expect(repaired.map((m) => m.content)).toEqual(oneTo(6).map((i) => `f${i}`));
    expect((await caller.session.get({ id: s.id })).messageCount).toBe(6);
    const next = await caller.message.send({ sessionId: s.id, content: 'after' });
    expect(next.seq).toBe(7);
  });

  it('a session gone from under its kept copy fails its sends, stores nothing, then is not found', async () => {
    const { user, caller } = await newUser(services);
    const s = await caller.session.create();
    await caller.message.send({ sessionId: s.id, content: 'kept' });
    const id = ObjectId.createFromHexString(s.id);
    // Removed by other means than Parley's, so the copy of it is not dropped.
    await services.db.sessions.deleteOne({ _id: id });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 3 }, (_, i) =>
        sendMessage(services, user, { sessionId: s.id, content: `g${i + 1}` }),
      ),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(await services.db.messages.countDocuments({ session_id: id })).toBe(1);
    await expect(
      sendMessage(services, user, { sessionId: s.id, content: 'again' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a counter command that fails marks every session in it for repair, and each is repaired', async () => {
    const { user, caller } = await newUser(services);
    const good = await caller.session.create();
    const bad = await caller.session.create();
    await caller.message.send({ sessionId: good.id, content: 'g0' });
    await caller.message.send({ sessionId: bad.id, content: 'b0' });
    // A count no $inc can add to: its statement fails, and with it the command.
    await services.db.sessions.updateOne(
      { _id: ObjectId.createFromHexString(bad.id) },
      { $set: { message_count: 'broken' as unknown as number } },
    );
    services.sessionCopies.take(bad.id);
    const outcomes = await Promise.allSettled([
      ...[1, 2].map((i) => sendMessage(services, user, { sessionId: good.id, content: `g${i}` })),
      sendMessage(services, user, { sessionId: bad.id, content: 'b1' }),
    ]);
    expect(outcomes[2]?.status).toBe('rejected');
    expect(services.damaged.has(bad.id)).toBe(true);
    // Whatever went through is numbered 1..N, and both take sends again.
    for (const s of [good, bad]) {
      const stored = await listed(caller, s.id);
      expect(stored.map((m) => m.seq)).toEqual(oneTo(stored.length));
      expect((await caller.session.get({ id: s.id })).messageCount).toBe(stored.length);
      const next = await caller.message.send({ sessionId: s.id, content: 'after' });
      expect(next.seq).toBe(stored.length + 1);
    }
  });

  it("one send into each of 120 of a user's sessions at once: all stored, in commands of at most 40", async () => {
    const { user, caller } = await newUser(services);
    const sessions = await Promise.all(Array.from({ length: 120 }, () => caller.session.create()));
    commands.length = 0;
    const sent = await Promise.all(
      sessions.map((s) => sendMessage(services, user, { sessionId: s.id, content: 'one' })),
    );
    expect(sent.map((m) => m.seq)).toEqual(Array(120).fill(1));
    const updates = dataCommands().filter((e) => e.commandName === 'update');
    const widest = Math.max(...updates.map((e) => (e.command.updates as unknown[]).length));
    expect(widest).toBeLessThanOrEqual(40);
  });

  it("a statement that fails in a shared counter command fails every send in it, never another's seq", async () => {
    const people = await Promise.all(Array.from({ length: 6 }, () => newUser(services)));
    const sessions = await Promise.all(people.map((p) => p.caller.session.create()));
    for (const [i, p] of people.entries()) {
      await p.caller.message.send({ sessionId: sessions[i]?.id ?? '', content: 'first' });
    }
    const [broken] = sessions;
    if (!broken) throw new Error('no session');
    // A count no $inc can add to, written behind the copy's back: the first batch's
    // statement fails, and FerretDB stops the command there, dropping the ones after.
    await services.db.sessions.updateOne(
      { _id: ObjectId.createFromHexString(broken.id) },
      { $set: { message_count: 'broken' as unknown as number } },
    );
    // Every seq a send was answered with, per session.
    const answered: number[][] = people.map(() => [1]);
    const send = async (i: number, content: string) => {
      const p = people[i];
      if (!p) return;
      const m = await sendMessage(services, p.user, { sessionId: sessions[i]?.id ?? '', content });
      answered[i]?.push(m.seq);
    };
    for (let round = 0; round < 3; round++) {
      await Promise.allSettled(people.map((_, i) => send(i, `r${round}`)));
    }
    // With the copies gone (a rename, a reply or a restart drops them), the next send
    // takes its seq from the stored count: it must not hand out one given before.
    for (const [i, s] of sessions.entries()) {
      services.sessionCopies.take(s.id);
      await send(i, 'after');
    }
    for (const seqs of answered) expect(new Set(seqs).size).toBe(seqs.length);
    for (const [i, p] of people.entries()) {
      const id = sessions[i]?.id ?? '';
      const stored = await listed(p.caller, id);
      expect(stored.map((m) => m.seq)).toEqual(oneTo(stored.length));
      expect((await p.caller.session.get({ id })).messageCount).toBe(stored.length);
    }
  });

  it('a burst of 16 sends into one session makes a handful of commands, all by _id', async () => {
    const { user, caller } = await newUser(services);
    const s = await caller.session.create();
    await caller.message.send({ sessionId: s.id, content: 'warm' });
    // Today's single send: session, index, counter, message, bucket; a clientId adds its key.
    const perSendBefore = 6;
    commands.length = 0;
    const sent = await burst(user, s.id, 16, () => crypto.randomUUID());
    expect(sent.map((m) => m.seq)).toEqual(oneTo(16).map((i) => i + 1));
    const sentCommands = dataCommands();
    console.log(
      `16 sends: ${sentCommands.length} commands (${sentCommands.map((e) => e.commandName).join(', ')})`,
    );
    expect(sentCommands.length).toBeLessThan(16 * perSendBefore);
    expect(sentCommands.length).toBeLessThanOrEqual(8);
    const scans = sentCommands.flatMap((e) =>
      filtersOf(e)
        .filter((f) => !isIdOnly(f))
        .map((f) => `${e.commandName}: ${JSON.stringify(f)}`),
    );
    expect(scans).toEqual([]);
  });
});
