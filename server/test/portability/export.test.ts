// Exports over HTTP: one chat as Markdown or JSON (the owner's only), the whole
// account as NDJSON, and the round trip through an import into a new account.
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import { startTestServer } from '../support/harness';
import { comparable, exportAccountLines, importBody, signedInUser } from './support';

let parley: Parley;
beforeAll(async () => {
  parley = await startTestServer();
});
afterAll(() => parley.stop());

const code = '```ts\nconst x = 1;\n  indented();\n```';

describe('GET /export/sessions/{id}', () => {
  it('gives the owner the chat as Markdown with its code verbatim, and as JSON in order', async () => {
    const { caller, auth } = await signedInUser(parley);
    const s = await caller.session.create({ title: 'Trip: Paris / Rome?' });
    for (const content of ['first', code, 'third']) {
      await caller.message.send({ sessionId: s.id, content });
    }
    const md = await fetch(`${parley.url}/export/sessions/${s.id}?format=markdown`, {
      headers: auth,
    });
    expect(md.status).toBe(200);
    expect(md.headers.get('content-type')).toMatch(/^text\/markdown/);
    expect(md.headers.get('content-disposition')).toContain('filename="Trip-Paris-Rome.md"');
    const text = await md.text();
    expect(text.startsWith('# Trip: Paris / Rome?\n')).toBe(true);
    expect(text).toContain(`\n\n${code}\n\n`);
    expect(text.match(/^### User · \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/gm)).toHaveLength(3);

    const json = await fetch(`${parley.url}/export/sessions/${s.id}?format=json`, {
      headers: auth,
    });
    expect(json.headers.get('content-disposition')).toContain('.json"');
    const body = (await json.json()) as {
      session: { id: string };
      messages: Array<{ seq: number; content: string }>;
    };
    expect(body.session.id).toBe(s.id);
    expect(body.messages.map((m) => [m.seq, m.content])).toEqual([
      [1, 'first'],
      [2, code],
      [3, 'third'],
    ]);
  });

  it('answers 404 for someone else’s chat and a missing one, 401 without a token', async () => {
    const owner = await signedInUser(parley);
    const other = await signedInUser(parley);
    const s = await owner.caller.session.create({ title: 'Private' });
    const theirs = await fetch(`${parley.url}/export/sessions/${s.id}?format=json`, {
      headers: other.auth,
    });
    expect(theirs.status).toBe(404);
    const missing = await fetch(`${parley.url}/export/sessions/${'0'.repeat(24)}`, {
      headers: owner.auth,
    });
    expect(missing.status).toBe(404);
    const bad = await fetch(`${parley.url}/export/sessions/nope`, { headers: owner.auth });
    expect(bad.status).toBe(404);
    const anonymous = await fetch(`${parley.url}/export/sessions/${s.id}`);
    expect(anonymous.status).toBe(401);
  });
});

describe('GET /export/account and the round trip', () => {
  it('exports every session and message in order, and imports into a new account losslessly', async () => {
    const a = await signedInUser(parley);
    const one = await a.caller.session.create({ title: 'One' });
    const two = await a.caller.session.create({ title: 'Two, in the trash' });
    await a.caller.session.create({ title: 'Empty' });
    for (let i = 1; i <= 120; i++)
      await a.caller.message.send({ sessionId: one.id, content: `m${i}` });
    await a.caller.message.send({ sessionId: two.id, content: code });
    await a.caller.session.delete({ id: two.id });

    const first = await exportAccountLines(parley, a.token);
    expect(first.res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const [account, ...rest] = first.lines;
    expect(account).toMatchObject({
      type: 'account',
      format: 'parley.account',
      sessions: 3,
      messages: 121,
    });
    expect(rest.at(-1)).toEqual({ type: 'end', sessions: 3, messages: 121 });
    const types = rest.map((l) => l.type).join(',');
    expect(types).toBe(
      ['session', ...Array(120).fill('message'), 'session', 'message', 'session', 'end'].join(','),
    );
    expect(rest.slice(1, 121).map((l) => l.seq)).toEqual(
      Array.from({ length: 120 }, (_, i) => i + 1),
    );

    const b = await signedInUser(parley);
    const imported = await importBody(parley, b.token, first.text);
    expect(imported.status).toBe(200);
    expect(imported.lines[0].type).toBe('progress');
    expect(imported.report).toMatchObject({
      type: 'report',
      format: 'parley',
      sessions: 3,
      messages: 121,
      errors: [],
    });

    const second = await exportAccountLines(parley, b.token);
    expect(comparable(second.lines)).toEqual(comparable(first.lines));
    // The trash stays the trash, and the sidebar order is the original one.
    const trash = await b.caller.session.list({ deleted: true });
    expect(trash.items.map((s) => s.title)).toEqual(['Two, in the trash']);
    const active = await b.caller.session.list({});
    const original = await a.caller.session.list({});
    expect(active.items.map((s) => s.title)).toEqual(original.items.map((s) => s.title));
    const page = await b.caller.message.list({
      sessionId: active.items.find((s) => s.title === 'One')?.id ?? '',
      limit: 200,
    });
    expect(page.items.map((m) => m.content)).toEqual(
      Array.from({ length: 120 }, (_, i) => `m${i + 1}`),
    );
  });
});

describe('GET /export/account while a chat is being deleted for good', () => {
  it('leaves out a chat whose purge began after the export read the list', async () => {
    const { caller, token } = await signedInUser(parley);
    const kept = await caller.session.create({ title: 'kept' });
    const going = await caller.session.create({ title: 'going' });
    for (const s of [kept, going]) await caller.message.send({ sessionId: s.id, content: 'hi' });
    // As the purge's first write leaves it, before it takes the chat out of the index.
    const now = new Date();
    await parley.services.db.sessions.updateOne(
      { _id: ObjectId.createFromHexString(going.id) },
      {
        $set: {
          deleted: true,
          deleted_at: now,
          purging: { at: now, left: 1, seen: 0, complete: true },
        },
      },
    );
    const { lines } = await exportAccountLines(parley, token);
    const titles = lines.filter((l) => l.type === 'session').map((l) => l.title);
    expect(titles).toEqual(['kept']);
    expect(lines.filter((l) => l.type === 'message')).toHaveLength(1);
  });
});
