import { type Message, messagePageSchema, messageSchema } from '@parley/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../src/services';
import { closeServices, codeOf, newUser, testServices } from '../support/harness';

let services: Services;
beforeAll(async () => {
  services = await testServices();
});
afterAll(() => closeServices(services));

type Caller = Awaited<ReturnType<typeof newUser>>['caller'];

async function allMessages(caller: Caller, sessionId: string, limit = 7): Promise<Message[]> {
  const pages: Message[][] = [];
  let cursor: string | null = null;
  do {
    const page: { items: Message[]; nextCursor: string | null } = messagePageSchema.parse(
      await caller.message.list({ sessionId, limit, cursor }),
    );
    pages.unshift(page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return pages.flat();
}

async function storedCount(sessionId: string): Promise<number> {
  const { ObjectId } = await import('mongodb');
  return services.db.messages.countDocuments({
    session_id: ObjectId.createFromHexString(sessionId),
  });
}

describe('messages', () => {
  it('sends and lists: the newest page first, chronological inside, the cursor walking back', async () => {
    const { caller } = await newUser(services);
    const s = await caller.session.create();
    for (let i = 1; i <= 5; i++) {
      const m = messageSchema.parse(
        await caller.message.send({ sessionId: s.id, content: `m${i}` }),
      );
      expect(m).toMatchObject({ seq: i, role: 'user', sessionId: s.id, content: `m${i}` });
    }
    const first = await caller.message.list({ sessionId: s.id, limit: 2 });
    expect(first.items.map((m) => m.content)).toEqual(['m4', 'm5']);
    const second = await caller.message.list({
      sessionId: s.id,
      limit: 2,
      cursor: first.nextCursor,
    });
    expect(second.items.map((m) => m.content)).toEqual(['m2', 'm3']);
    const last = await caller.message.list({
      sessionId: s.id,
      limit: 2,
      cursor: second.nextCursor,
    });
    expect(last.items.map((m) => m.content)).toEqual(['m1']);
    expect(last.nextCursor).toBeNull();
    const session = await caller.session.get({ id: s.id });
    expect(session.messageCount).toBe(5);
    expect(session.lastMessageAt).toEqual(
      (await caller.message.list({ sessionId: s.id, limit: 1 })).items[0]?.createdAt,
    );
  });

  it('100 concurrent sends make seq 1..100, a count of 100, and pages with no repeats', async () => {
    const { caller } = await newUser(services);
    const s = await caller.session.create();
    const sent = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        caller.message.send({ sessionId: s.id, content: `c${i}` }),
      ),
    );
    expect(sent.map((m) => m.seq).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
    expect((await caller.session.get({ id: s.id })).messageCount).toBe(100);
    expect(await storedCount(s.id)).toBe(100);
    const listed = await allMessages(caller, s.id);
    expect(listed.map((m) => m.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(new Set(listed.map((m) => m.id)).size).toBe(100);
  });

  it('the same clientId sent 10 times at once stores one message; sends without one never collide', async () => {
    const { caller } = await newUser(services);
    const s = await caller.session.create();
    const clientId = crypto.randomUUID();
    const copies = await Promise.all(
      Array.from({ length: 10 }, () =>
        caller.message.send({ sessionId: s.id, content: 'once', clientId }),
      ),
    );
    expect(new Set(copies.map((m) => m.id)).size).toBe(1);
    expect(copies[0]?.clientId).toBe(clientId);
    const listed = await caller.message.list({ sessionId: s.id });
    expect(listed.items.map((m) => m.clientId)).toEqual([clientId]);
    await Promise.all(
      Array.from({ length: 5 }, () => caller.message.send({ sessionId: s.id, content: 'plain' })),
    );
    expect(await storedCount(s.id)).toBe(6);
    expect((await caller.session.get({ id: s.id })).messageCount).toBe(6);
    // The same clientId in another session is another message.
    const other = await caller.session.create();
    const elsewhere = await caller.message.send({ sessionId: other.id, content: 'once', clientId });
    expect(elsewhere.id).not.toBe(copies[0]?.id);
  });

  it('50 sends racing a rename and a delete lose neither, and the count matches what is stored', async () => {
    const { caller } = await newUser(services);
    const s = await caller.session.create({ title: 'before' });
    const sends = Array.from({ length: 50 }, (_, i) =>
      codeOf(caller.message.send({ sessionId: s.id, content: `r${i}` })),
    );
    const rename = caller.session.rename({ id: s.id, title: 'after' });
    const del = caller.session.delete({ id: s.id });
    const codes = await Promise.all(sends);
    await Promise.all([rename, del]);
    expect(codes.every((c) => c === 'OK' || c === 'PRECONDITION_FAILED')).toBe(true);
    const final = await caller.session.get({ id: s.id });
    expect(final).toMatchObject({ title: 'after', deleted: true });
    const stored = await storedCount(s.id);
    expect(final.messageCount).toBe(stored);
    expect(stored).toBe(codes.filter((c) => c === 'OK').length);
  });

  it('refuses sending into a deleted session and stores nothing; restore allows it again', async () => {
    const { caller } = await newUser(services);
    const s = await caller.session.create();
    await caller.session.delete({ id: s.id });
    expect(await codeOf(caller.message.send({ sessionId: s.id, content: 'into the trash' }))).toBe(
      'PRECONDITION_FAILED',
    );
    expect(await storedCount(s.id)).toBe(0);
    await caller.session.restore({ id: s.id });
    await caller.message.send({ sessionId: s.id, content: 'back' });
    expect((await caller.session.get({ id: s.id })).messageCount).toBe(1);
  });

  it('refuses bad input with BAD_REQUEST and changes nothing', async () => {
    const { caller } = await newUser(services);
    const s = await caller.session.create();
    await caller.message.send({ sessionId: s.id, content: 'first' });
    const page = await caller.message.list({ sessionId: s.id, limit: 1 });
    const otherSession = await caller.session.create();
    const attempts = [
      caller.message.send({ sessionId: s.id, content: '' }),
      caller.message.send({ sessionId: s.id, content: ' \n\t ' }),
      caller.message.send({ sessionId: s.id, content: 'x'.repeat(32_001) }),
      caller.message.send({ sessionId: s.id, content: 'nul\u0000here' }),
      caller.message.send({ sessionId: s.id, content: { $ne: null } as never }),
      caller.message.send({ sessionId: { $ne: null } as never, content: 'x' }),
      caller.message.send({ sessionId: 'zzz', content: 'x' }),
      caller.message.send({ sessionId: s.id, content: 'x', clientId: 'not-a-uuid' }),
      caller.message.list({ sessionId: s.id, cursor: '%%%' }),
      caller.message.list({
        sessionId: s.id,
        cursor: Buffer.from('{"s":"x","b":1}').toString('base64url'),
      }),
      caller.message.list({ sessionId: s.id, cursor: Buffer.from('[1,2]').toString('base64url') }),
      caller.message.list({
        sessionId: otherSession.id,
        cursor: page.nextCursor ?? 'eyJzIjoiYSIsImIiOjF9',
      }),
      caller.message.list({ sessionId: s.id, limit: 201 }),
    ].map(codeOf);
    expect(await Promise.all(attempts)).toEqual(attempts.map(() => 'BAD_REQUEST'));
    expect(await storedCount(s.id)).toBe(1);
    expect((await caller.session.get({ id: s.id })).messageCount).toBe(1);
  });

  it('keeps emoji, right-to-left text, combining marks and 32,000 characters exactly', async () => {
    const { caller } = await newUser(services);
    const s = await caller.session.create({ title: 'שלום 👋🏽 café' });
    expect(s.title).toBe('שלום 👋🏽 café');
    const texts = [
      '👩‍👩‍👧‍👦 family, 🇺🇦 flag, 👋🏽',
      'مرحبا بالعالم — עברית',
      'e\u0301 vs é, Z\u0351\u0352\u0353algo',
      '  indented\n\tcode\n',
      '😀'.repeat(32_000),
    ];
    for (const content of texts) {
      const sent = await caller.message.send({ sessionId: s.id, content });
      expect(sent.content).toBe(content);
    }
    const listed = await caller.message.list({ sessionId: s.id });
    expect(listed.items.map((m) => m.content)).toEqual(texts);
  });
});
