// Bucket entries are stored packed (one string per message); buckets that older
// versions wrote hold objects, and a bucket may hold both. Every reader takes either.
import { randomUUID } from 'node:crypto';
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFor } from '../../src/assistant/context';
import {
  bucketId,
  decodeEntry,
  encodeEntry,
  entriesOf,
  readRange,
  toEntry,
} from '../../src/chat/readModel';
import type { AssistantConfig } from '../../src/config/env';
import type { BucketEntry } from '../../src/db/documents';
import { runDoctor } from '../../src/doctor';
import { exportSession } from '../../src/portability/exportSession';
import type { Services } from '../../src/services';
import { closeServices, newUser, testServices } from '../support/harness';

let services: Services;

beforeAll(async () => {
  services = await testServices();
});
afterAll(() => closeServices(services));

/** Rewrites a session's first bucket as an older version stored it: object entries. */
async function asOldBucket(sessionId: string): Promise<void> {
  const _id = bucketId(new ObjectId(sessionId), 0);
  const bucket = await services.db.buckets.findOne({ _id });
  const objects = entriesOf(bucket);
  await services.db.buckets.updateOne({ _id }, { $set: { messages: objects } });
  const raw = await services.db.buckets.findOne({ _id });
  expect(raw?.messages.every((e) => typeof e === 'object')).toBe(true);
}

async function stored(sessionId: string) {
  const raw = await services.db.buckets.findOne({ _id: bucketId(new ObjectId(sessionId), 0) });
  return raw?.messages.map((e) => (typeof e === 'string' ? 'packed' : 'object')) ?? [];
}

describe('bucket entries', () => {
  it('round-trips every field of a message through the packed form', () => {
    const t = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
    const entries: BucketEntry[] = [
      {
        _id: new ObjectId(),
        seq: 7,
        user_id: new ObjectId(),
        role: 'user',
        content: 'with "quotes", \\ and \u2028 ✓',
        created_at: t,
        updated_at: new Date(t.getTime() + 5),
        client_id: 'c-1',
        edited_at: new Date(t.getTime() + 5),
        deleted: true,
        deleted_at: new Date(t.getTime() + 9),
      },
      {
        _id: new ObjectId(),
        seq: 8,
        user_id: new ObjectId(),
        role: 'assistant',
        content: '',
        created_at: t,
        updated_at: t,
        status: 'failed',
        error: 'the model went away',
        model: 'm-1',
        previous: ['first try'],
      },
      {
        _id: new ObjectId(),
        seq: 9,
        user_id: new ObjectId(),
        role: 'system',
        content: 'plain',
        created_at: t,
        updated_at: t,
      },
    ];
    for (const e of entries) {
      const packed = encodeEntry(e);
      expect(typeof packed).toBe('string');
      expect(decodeEntry(packed)).toEqual(e);
      expect(decodeEntry(e)).toBe(e); // an object entry is read as it is
    }
  });

  it("packs an older object entry that holds its owner's id as hex", () => {
    const owner = new ObjectId();
    const old = {
      _id: new ObjectId(),
      seq: 1,
      user_id: owner.toHexString(),
      role: 'user',
      content: 'old',
      created_at: new Date(),
      updated_at: new Date(),
    } as unknown as BucketEntry;
    expect(decodeEntry(encodeEntry(old))?.user_id).toEqual(owner);
  });

  it('reads no entry from a packed string that is not one', () => {
    for (const bad of ['', 'not json', '[]', 'null', '{"i":"zz","s":1}', '{"s":1}']) {
      expect(decodeEntry(bad)).toBeNull();
    }
    const ok = JSON.parse(
      encodeEntry({
        _id: new ObjectId(),
        seq: 1,
        user_id: new ObjectId(),
        role: 'user',
        content: 'x',
        created_at: new Date(),
        updated_at: new Date(),
      }),
    );
    expect(decodeEntry(JSON.stringify({ ...ok, s: 0 }))).toBeNull();
    expect(decodeEntry(JSON.stringify({ ...ok, r: 'admin' }))).toBeNull();
    expect(decodeEntry(JSON.stringify({ ...ok, t: 'yesterday' }))).toBeNull();
  });

  it('writes new entries packed', async () => {
    const { caller } = await newUser(services);
    const s = await caller.session.create({ title: 'packed' });
    await caller.message.send({ sessionId: s.id, content: 'one', clientId: randomUUID() });
    expect(await stored(s.id)).toEqual(['packed']);
  });

  it('reads, edits, deletes and appends to a bucket an older version wrote', async () => {
    const { user, caller } = await newUser(services);
    const s = await caller.session.create({ title: 'mixed' });
    const keys = [randomUUID(), randomUUID(), randomUUID()];
    const sent = [];
    for (const [i, content] of ['alpha one', 'alpha two', 'alpha three'].entries()) {
      sent.push(await caller.message.send({ sessionId: s.id, content, clientId: keys[i] }));
    }
    await asOldBucket(s.id);

    const listed = await caller.message.list({ sessionId: s.id });
    expect(listed.items.map((m) => [m.seq, m.content, m.clientId])).toEqual([
      [1, 'alpha one', keys[0]],
      [2, 'alpha two', keys[1]],
      [3, 'alpha three', keys[2]],
    ]);

    await caller.message.edit({ id: sent[1]?.id ?? '', content: 'alpha TWO' });
    await caller.message.delete({ id: sent[0]?.id ?? '' });
    await caller.message.send({ sessionId: s.id, content: 'alpha four' });
    // The same clientId again is the same message, found through the mixed bucket's session.
    const again = await caller.message.send({
      sessionId: s.id,
      content: 'alpha three',
      clientId: keys[2],
    });
    expect(again.id).toBe(sent[2]?.id);
    expect(await stored(s.id)).toEqual(['packed', 'packed', 'object', 'packed']);

    const after = await caller.message.list({ sessionId: s.id });
    expect(after.items.map((m) => [m.seq, m.content, m.editedAt !== null])).toEqual([
      [2, 'alpha TWO', true],
      [3, 'alpha three', false],
      [4, 'alpha four', false],
    ]);
    const doc = await services.db.sessions.findOne({ _id: new ObjectId(s.id) });
    if (!doc) throw new Error('no session');
    expect(doc.message_count).toBe(4);
    const range = await readRange(services.db, doc, 1, 4);
    expect(range?.map((e) => [e.seq, e.deleted === true])).toEqual([
      [1, true],
      [2, false],
      [3, false],
      [4, false],
    ]);

    // The assistant's context, the export, search and the doctor read it the same way.
    const context = await contextFor(
      services,
      {
        systemPrompt: undefined,
        maxContextMessages: 10,
        maxContextChars: 10_000,
      } as AssistantConfig,
      doc,
      5,
    );
    expect(context.map((m) => m.content)).toEqual(['alpha TWO', 'alpha three', 'alpha four']);
    const file = await exportSession(services, user, s.id, 'json');
    let text = '';
    for await (const chunk of file.chunks) text += chunk;
    expect(text).toContain('alpha TWO');
    expect(text).toContain('alpha four');
    const found = await caller.search.query({ q: 'alpha' });
    expect(found.items.length).toBeGreaterThanOrEqual(3);
    const report = await runDoctor(services.db);
    expect(report.findings.filter((f) => f.count > 0)).toEqual([]);
  });

  it('rebuilds a bucket holding an entry it cannot read from the messages', async () => {
    const { caller } = await newUser(services);
    const s = await caller.session.create({ title: 'damaged' });
    for (const content of ['a', 'b']) await caller.message.send({ sessionId: s.id, content });
    const _id = bucketId(new ObjectId(s.id), 0);
    await services.db.buckets.updateOne({ _id }, { $set: { 'messages.1': '{not an entry' } });
    const listed = await caller.message.list({ sessionId: s.id });
    expect(listed.items.map((m) => m.content)).toEqual(['a', 'b']);
    expect(entriesOf(await services.db.buckets.findOne({ _id })).map((e) => e.content)).toEqual([
      'a',
      'b',
    ]);
  });

  it('keeps toEntry and the packed form in step with a stored message', () => {
    const now = new Date();
    const m = {
      _id: new ObjectId(),
      session_id: new ObjectId(),
      user_id: new ObjectId(),
      content: 'x',
      role: 'user' as const,
      created_at: now,
      updated_at: now,
      deleted: false,
      deleted_at: null,
      seq: 1,
    };
    expect(decodeEntry(encodeEntry(toEntry(m)))).toEqual(toEntry(m));
  });
});
