// A deleted message is gone from what its owner downloads: neither export of the
// chat holds it, nor the account's, so importing that file cannot bring it back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import { startTestServer } from '../support/harness';
import { exportAccountLines, importBody, signedInUser } from './support';

let parley: Parley;
beforeAll(async () => {
  parley = await startTestServer();
});
afterAll(() => parley.stop());

describe('exports of a chat with a deleted message', () => {
  it('leave it out of Markdown, JSON and the account, and an import of the account', async () => {
    const { caller, auth, token } = await signedInUser(parley);
    const s = await caller.session.create({ title: 'with a secret' });
    const sent = [];
    for (const content of ['before', 'my password is hunter2', 'after']) {
      sent.push(await caller.message.send({ sessionId: s.id, content }));
    }
    await caller.message.delete({ id: sent[1]?.id ?? '' });

    const md = await (
      await fetch(`${parley.url}/export/sessions/${s.id}?format=markdown`, { headers: auth })
    ).text();
    expect(md).toContain('before');
    expect(md).toContain('after');
    expect(md).not.toContain('hunter2');
    expect(md).toMatch(/^# with a secret\n\n_2 messages, started /);

    const json = (await (
      await fetch(`${parley.url}/export/sessions/${s.id}?format=json`, { headers: auth })
    ).json()) as { messages: Array<{ seq: number; content: string }> };
    expect(json.messages.map((m) => [m.seq, m.content])).toEqual([
      [1, 'before'],
      [3, 'after'],
    ]);

    const account = await exportAccountLines(parley, token);
    expect(account.text).not.toContain('hunter2');

    const other = await signedInUser(parley);
    const file = account.text;
    expect((await importBody(parley, other.token, file)).report).toMatchObject({
      sessions: 1,
      messages: 2,
    });
    const [imported] = (await other.caller.session.list({})).items;
    const page = await other.caller.message.list({ sessionId: imported?.id ?? '' });
    expect(page.items.map((m) => m.content)).toEqual(['before', 'after']);
  });

  it('puts a rule between every two messages of a long chat, across chunks and gaps', async () => {
    const { caller, auth } = await signedInUser(parley);
    const s = await caller.session.create({ title: 'long' });
    const sent = [];
    for (let i = 1; i <= 205; i++) {
      sent.push(await caller.message.send({ sessionId: s.id, content: `m${i}` }));
    }
    await caller.message.delete({ id: sent[199]?.id ?? '' }); // the last of the first chunk
    const md = await (
      await fetch(`${parley.url}/export/sessions/${s.id}?format=markdown`, { headers: auth })
    ).text();
    expect(md).toMatch(/^# long\n\n_204 messages, /);
    expect(md.match(/^### /gm)).toHaveLength(204);
    expect(md.match(/^---$/gm)).toHaveLength(203);
    expect(md).toMatch(/\nm199\n\n---\n\n### User · [^\n]+\n\nm201\n/);
  });

  it('counts what it holds in a chat too long to keep between its two reads, and one as one', async () => {
    const { caller, auth } = await signedInUser(parley);
    const s = await caller.session.create({ title: 'wordy' });
    const sent = [];
    for (let i = 1; i <= 40; i++) {
      sent.push(
        await caller.message.send({ sessionId: s.id, content: `${i} ${'x'.repeat(30_000)}` }),
      );
    }
    await caller.message.delete({ id: sent[0]?.id ?? '' });
    const md = await (
      await fetch(`${parley.url}/export/sessions/${s.id}?format=markdown`, { headers: auth })
    ).text();
    expect(md).toMatch(/^# wordy\n\n_39 messages, /);
    expect(md.match(/^### /gm)).toHaveLength(39);
    expect(md).not.toMatch(/\n1 x/);

    const short = await caller.session.create({ title: 'short' });
    const [gone] = [await caller.message.send({ sessionId: short.id, content: 'gone' })];
    await caller.message.send({ sessionId: short.id, content: 'stays' });
    await caller.message.delete({ id: gone?.id ?? '' });
    const one = await (
      await fetch(`${parley.url}/export/sessions/${short.id}?format=markdown`, { headers: auth })
    ).text();
    expect(one).toMatch(/^# short\n\n_1 message, /);
  });
});
