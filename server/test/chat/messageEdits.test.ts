// message.edit, message.delete and message.restore through the real router: the
// caller's own messages only, seqs kept, the bucket changed in place, lists skipping
// deleted messages while paging by seq, and message_count the newest seq.
import { messagePageSchema, messageSchema } from '@parley/shared';
import { TRPCError } from '@trpc/server';
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketId, entriesOf } from '../../src/chat/readModel';
import { rebuildReadModel } from '../../src/chat/rebuildReadModel';
import type { Services } from '../../src/services';
import { closeServices, newUser, testServices } from '../support/harness';

let services: Services;
beforeAll(async () => {
  services = await testServices();
});
afterAll(() => closeServices(services));

function errorOf(p: Promise<unknown>): Promise<{ code: string; message: string } | 'OK'> {
  return p.then(
    () => 'OK',
    (e: unknown) => {
      if (e instanceof TRPCError) return { code: e.code, message: e.message };
      throw e;
    },
  );
}

type Caller = Awaited<ReturnType<typeof newUser>>['caller'];

async function chatWith(caller: Caller, contents: string[]) {
  const session = await caller.session.create({ title: 'edits' });
  const sent = [];
  for (const content of contents)
    sent.push(await caller.message.send({ sessionId: session.id, content }));
  return { session, sent };
}

describe('message.edit', () => {
  it('replaces the content, keeps the seq, sets editedAt, in messages and the bucket', async () => {
    const { caller } = await newUser(services);
    const { session, sent } = await chatWith(caller, ['one', 'two', 'three']);
    const target = sent[1];
    if (!target) throw new Error('no message');
    expect(target.editedAt).toBeNull();

    const edited = messageSchema.parse(
      await caller.message.edit({ id: target.id, content: 'TWO' }),
    );
    expect(edited).toMatchObject({ id: target.id, seq: 2, content: 'TWO' });
    expect(edited.editedAt).toBeInstanceOf(Date);
    expect(edited.updatedAt.getTime()).toBeGreaterThanOrEqual(target.updatedAt.getTime());

    const listed = messagePageSchema.parse(await caller.message.list({ sessionId: session.id }));
    expect(listed.changeCount).toBe(1);
    expect(listed.items.map((m) => [m.seq, m.content, m.editedAt !== null])).toEqual([
      [1, 'one', false],
      [2, 'TWO', true],
      [3, 'three', false],
    ]);
    const stored = await services.db.messages.findOne({ _id: new ObjectId(target.id) });
    expect(stored).toMatchObject({ content: 'TWO', seq: 2 });
    expect(stored?.edited_at).toBeInstanceOf(Date);
    const bucket = await services.db.buckets.findOne({
      _id: bucketId(new ObjectId(session.id), 0),
    });
    expect(entriesOf(bucket).map((e) => e.content)).toEqual(['one', 'TWO', 'three']);
    expect((await caller.session.get({ id: session.id })).messageCount).toBe(3);
  });

  it('refuses bad content with BAD_REQUEST and changes nothing', async () => {
    const { caller } = await newUser(services);
    const { session, sent } = await chatWith(caller, ['keep me']);
    const id = sent[0]?.id ?? '';
    expect(await errorOf(caller.message.edit({ id, content: '   ' }))).toMatchObject({
      code: 'BAD_REQUEST',
    });
    expect(await errorOf(caller.message.edit({ id: 'nope', content: 'x' }))).toMatchObject({
      code: 'BAD_REQUEST',
    });
    const listed = await caller.message.list({ sessionId: session.id });
    expect(listed.items.map((m) => m.content)).toEqual(['keep me']);
  });
});

describe('message.delete and message.restore', () => {
  it('refuses a resend of a deleted message by its clientId, and keeps it deleted', async () => {
    const { caller } = await newUser(services);
    const s = await caller.session.create({ title: 'resent after delete' });
    const clientId = crypto.randomUUID();
    const sent = await caller.message.send({ sessionId: s.id, content: 'gone soon', clientId });
    await caller.message.delete({ id: sent.id });
    expect(
      await errorOf(caller.message.send({ sessionId: s.id, content: 'gone soon', clientId })),
    ).toEqual({
      code: 'CONFLICT',
      message: 'This message was sent, then deleted.',
    });
    const page = await caller.message.list({ sessionId: s.id });
    expect(page.items.map((m) => m.id)).toEqual([]);
    expect((await caller.session.get({ id: s.id })).messageCount).toBe(1);
  });

  it('soft-deletes: the list leaves it out, its seq stays taken, restore brings it back', async () => {
    const { caller } = await newUser(services);
    const { session, sent } = await chatWith(caller, ['a', 'b', 'c']);
    const b = sent[1];
    if (!b) throw new Error('no message');
    expect(await caller.message.delete({ id: b.id })).toEqual({ ok: true });

    const listed = await caller.message.list({ sessionId: session.id });
    expect(listed.items.map((m) => m.content)).toEqual(['a', 'c']);
    const stored = await services.db.messages.findOne({ _id: new ObjectId(b.id) });
    expect(stored).toMatchObject({ deleted: true, seq: 2 });
    expect(stored?.deleted_at).toBeInstanceOf(Date);
    const bucket = await services.db.buckets.findOne({
      _id: bucketId(new ObjectId(session.id), 0),
    });
    expect(entriesOf(bucket).map((e) => [e.seq, e.deleted === true])).toEqual([
      [1, false],
      [2, true],
      [3, false],
    ]);

    // message_count stays the newest seq; the next message takes seq 4, never 3 again.
    expect((await caller.session.get({ id: session.id })).messageCount).toBe(3);
    const d = await caller.message.send({ sessionId: session.id, content: 'd' });
    expect(d.seq).toBe(4);
    // A deleted message can't be edited, and deleting again changes nothing.
    expect(await errorOf(caller.message.edit({ id: b.id, content: 'x' }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await caller.message.delete({ id: b.id })).toEqual({ ok: true });

    const restored = await caller.message.restore({ id: b.id });
    expect(restored).toMatchObject({ id: b.id, seq: 2, content: 'b' });
    const after = await caller.message.list({ sessionId: session.id });
    expect(after.items.map((m) => m.content)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('pages by seq exactly: a page of deleted messages is empty but its cursor goes on', async () => {
    const { caller } = await newUser(services);
    const { session, sent } = await chatWith(caller, ['1', '2', '3', '4', '5']);
    for (const m of sent.slice(1, 3)) await caller.message.delete({ id: m.id });
    const first = await caller.message.list({ sessionId: session.id, limit: 2 });
    expect(first.items.map((m) => m.seq)).toEqual([4, 5]);
    const second = await caller.message.list({
      sessionId: session.id,
      limit: 2,
      cursor: first.nextCursor,
    });
    expect(second.items.map((m) => m.seq)).toEqual([]);
    const third = await caller.message.list({
      sessionId: session.id,
      limit: 2,
      cursor: second.nextCursor,
    });
    expect(third.items.map((m) => m.seq)).toEqual([1]);
    expect(third.nextCursor).toBeNull();
  });
});

describe('a repair of the read model', () => {
  it('keeps deleted messages in their seqs and edits as they are: no seq is reused', async () => {
    const { caller } = await newUser(services);
    const { session, sent } = await chatWith(caller, ['a', 'b', 'c']);
    await caller.message.delete({ id: sent[1]?.id ?? '' });
    await caller.message.edit({ id: sent[2]?.id ?? '', content: 'C' });
    const doc = await services.db.sessions.findOne({ _id: new ObjectId(session.id) });
    if (!doc) throw new Error('no session');
    const rebuilt = await rebuildReadModel(services.db, doc);
    expect(rebuilt.message_count).toBe(3);
    const bucket = await services.db.buckets.findOne({ _id: bucketId(doc._id, 0) });
    expect(
      entriesOf(bucket).map((e) => [e.seq, e.content, e.deleted === true, !!e.edited_at]),
    ).toEqual([
      [1, 'a', false, false],
      [2, 'b', true, false],
      [3, 'C', false, true],
    ]);
    const listed = await caller.message.list({ sessionId: session.id });
    expect(listed.items.map((m) => [m.seq, m.content])).toEqual([
      [1, 'a'],
      [3, 'C'],
    ]);
    expect((await caller.message.send({ sessionId: session.id, content: 'd' })).seq).toBe(4);
  });
});

describe('ownership', () => {
  it("answers someone else's message exactly like a missing one, and changes nothing", async () => {
    const owner = await newUser(services);
    const other = await newUser(services);
    const { session, sent } = await chatWith(owner.caller, ['mine']);
    const id = sent[0]?.id ?? '';
    const missing = new ObjectId().toHexString();
    const answers = [
      await errorOf(other.caller.message.edit({ id, content: 'hijacked' })),
      await errorOf(other.caller.message.delete({ id })),
      await errorOf(other.caller.message.restore({ id })),
      await errorOf(other.caller.message.edit({ id: missing, content: 'x' })),
      await errorOf(other.caller.message.delete({ id: missing })),
    ];
    for (const a of answers)
      expect(a).toEqual({ code: 'NOT_FOUND', message: 'Message not found.' });
    const listed = await owner.caller.message.list({ sessionId: session.id });
    expect(listed.items.map((m) => [m.content, m.editedAt])).toEqual([['mine', null]]);
  });

  it('refuses changes in a chat in the trash', async () => {
    const { caller } = await newUser(services);
    const { session, sent } = await chatWith(caller, ['x']);
    await caller.session.delete({ id: session.id });
    expect(
      await errorOf(caller.message.edit({ id: sent[0]?.id ?? '', content: 'y' })),
    ).toMatchObject({ code: 'PRECONDITION_FAILED' });
  });
});
