import { type Session, sessionPageSchema, sessionSchema } from '@parley/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../src/services';
import { closeServices, codeOf, newUser, testServices } from '../support/harness';

let services: Services;
beforeAll(async () => {
  services = await testServices();
});
afterAll(() => closeServices(services));

describe('sessions', () => {
  it('creates, gets, renames, deletes and restores, every output passing its schema', async () => {
    const { caller } = await newUser(services);
    const created = sessionSchema.parse(await caller.session.create());
    expect(created).toMatchObject({
      title: 'New Chat',
      messageCount: 0,
      lastMessageAt: null,
      deleted: false,
    });
    expect(created.id).toMatch(/^[0-9a-f]{24}$/);

    expect(await caller.session.get({ id: created.id })).toEqual(created);
    const renamed = sessionSchema.parse(
      await caller.session.rename({ id: created.id, title: '  Trip plans ' }),
    );
    expect(renamed.title).toBe('Trip plans');

    const deleted = sessionSchema.parse(await caller.session.delete({ id: created.id }));
    expect(deleted.deleted).toBe(true);
    expect(deleted.deletedAt).toBeInstanceOf(Date);
    expect((await caller.session.list()).items.map((s) => s.id)).not.toContain(created.id);
    expect((await caller.session.list({ deleted: true })).items.map((s) => s.id)).toEqual([
      created.id,
    ]);
    expect((await caller.session.get({ id: created.id })).deleted).toBe(true);

    const restored = sessionSchema.parse(await caller.session.restore({ id: created.id }));
    expect(restored).toMatchObject({ deleted: false, deletedAt: null, title: 'Trip plans' });
    expect((await caller.session.list()).items.map((s) => s.id)).toEqual([created.id]);
  });

  it('lists newest activity first: a new message moves a session to the top', async () => {
    const { caller } = await newUser(services);
    const a = await caller.session.create({ title: 'a' });
    const b = await caller.session.create({ title: 'b' });
    expect((await caller.session.list()).items.map((s) => s.title)).toEqual(['b', 'a']);
    await caller.message.send({ sessionId: a.id, content: 'hello' });
    const page = sessionPageSchema.parse(await caller.session.list());
    expect(page.items.map((s) => s.title)).toEqual(['a', 'b']);
    expect(page.items[0]?.lastMessageAt).toBeInstanceOf(Date);
    expect(b.id).toBeTruthy();
  });

  it('pages through sessions while new ones appear, repeating and skipping none', async () => {
    const { caller } = await newUser(services);
    const original: string[] = [];
    for (let i = 0; i < 23; i++)
      original.push((await caller.session.create({ title: `s${i}` })).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Session[]; nextCursor: string | null } = await caller.session.list({
        limit: 5,
        cursor,
      });
      seen.push(...page.items.map((s) => s.id));
      cursor = page.nextCursor;
      await caller.session.create({ title: 'arrived while paging' });
    } while (cursor);
    expect(seen).toEqual([...original].reverse());
  });

  it("answers NOT_FOUND for everything of another user's, and changes nothing", async () => {
    const a = await newUser(services);
    const b = await newUser(services);
    const s = await a.caller.session.create({ title: 'private' });
    await a.caller.message.send({ sessionId: s.id, content: 'secret' });
    const attempts = [
      b.caller.session.get({ id: s.id }),
      b.caller.session.rename({ id: s.id, title: 'mine now' }),
      b.caller.session.delete({ id: s.id }),
      b.caller.session.restore({ id: s.id }),
      b.caller.message.send({ sessionId: s.id, content: 'intrusion' }),
      b.caller.message.list({ sessionId: s.id }),
    ].map(codeOf);
    expect(new Set(await Promise.all(attempts))).toEqual(new Set(['NOT_FOUND']));
    // A well-formed id of nothing at all gets the very same answer.
    expect(await codeOf(b.caller.session.get({ id: 'aaaaaaaaaaaaaaaaaaaaaaaa' }))).toBe(
      'NOT_FOUND',
    );
    const after = await a.caller.session.get({ id: s.id });
    expect(after).toMatchObject({ title: 'private', deleted: false, messageCount: 1 });
    expect((await b.caller.session.list()).items).toEqual([]);
  });

  it('refuses malformed ids, garbled cursors and bad titles with BAD_REQUEST', async () => {
    const { caller } = await newUser(services);
    const s = await caller.session.create({ title: 'kept' });
    const bad = [
      caller.session.get({ id: 'not-an-id' }),
      caller.session.get({ id: 'AAAAAAAAAAAAAAAAAAAAAAAA' }),
      caller.session.get({ id: { $ne: null } as never }),
      caller.session.rename({ id: s.id, title: '   ' }),
      caller.session.rename({ id: s.id, title: 'x'.repeat(201) }),
      caller.session.rename({ id: s.id, title: 'a\u0000b' }),
      caller.session.rename({ id: s.id, title: { $set: 'x' } as never }),
      caller.session.list({ cursor: 'garbage!!' }),
      caller.session.list({ cursor: Buffer.from('{"u":"x"}').toString('base64url') }),
      caller.session.list({ limit: 0 }),
      caller.session.list({ limit: 101 }),
    ].map(codeOf);
    expect(await Promise.all(bad)).toEqual(bad.map(() => 'BAD_REQUEST'));
    expect((await caller.session.get({ id: s.id })).title).toBe('kept');
  });

  it("refuses another user's cursor and a trash cursor on the live list", async () => {
    const a = await newUser(services);
    const b = await newUser(services);
    for (let i = 0; i < 3; i++) await a.caller.session.create();
    const page = await a.caller.session.list({ limit: 1 });
    expect(page.nextCursor).toBeTruthy();
    expect(await codeOf(b.caller.session.list({ limit: 1, cursor: page.nextCursor }))).toBe(
      'BAD_REQUEST',
    );
    expect(
      await codeOf(a.caller.session.list({ limit: 1, cursor: page.nextCursor, deleted: true })),
    ).toBe('BAD_REQUEST');
  });
});
