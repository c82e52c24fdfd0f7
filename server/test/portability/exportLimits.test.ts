// Exports running at once are capped per user (EXPORTS_PER_USER) and per process
// (EXPORTS_AT_ONCE): one more is refused with a retryable 429, and each export
// gives its place back once it ends, whatever it answered.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Parley } from '../../src/app';
import { idString } from '../../src/db/ids';
import { startTestServer } from '../support/harness';
import { chatgptConversation, importBody, signedInUser } from './support';

let parley: Parley;
beforeAll(async () => {
  parley = await startTestServer({ EXPORTS_PER_USER: '2', EXPORTS_AT_ONCE: '3' });
});
afterAll(() => parley.stop());

async function userWithChat() {
  const u = await signedInUser(parley);
  const s = await u.caller.session.create({ title: 'Kept' });
  await u.caller.message.send({ sessionId: s.id, content: 'hello' });
  const get = async (path: string) => {
    const res = await fetch(`${parley.url}${path}`, { headers: u.auth });
    return { status: res.status, retry: res.headers.get('retry-after'), text: await res.text() };
  };
  return { ...u, id: idString(u.user._id), session: s.id, get };
}

describe('GET /export limits', () => {
  it('refuses one more export than EXPORTS_PER_USER or EXPORTS_AT_ONCE with 429 and Retry-After', async () => {
    const a = await userWithChat();
    const b = await userWithChat();
    const exports = parley.services.exports;
    const held = [exports.claim(a.id), exports.claim(a.id)];
    for (const path of ['/export/account', `/export/sessions/${a.session}?format=json`]) {
      const busy = await a.get(path);
      expect([busy.status, busy.retry]).toEqual([429, '5']);
      expect(JSON.parse(busy.text).detail).toMatch(/already has 2 exports running/);
    }
    // Another user still exports, up to the process's three.
    expect((await b.get('/export/account')).status).toBe(200);
    held.push(exports.claim(b.id));
    const full = await b.get(`/export/sessions/${b.session}?format=markdown`);
    expect([full.status, full.retry]).toEqual([429, '5']);
    expect(JSON.parse(full.text).detail).toMatch(/as many exports as it takes at once/);
    for (const release of held) if (typeof release === 'function') release();
    expect(exports.running()).toBe(0);
    const again = await a.get('/export/account');
    expect([again.status, again.text]).toMatchObject([200, expect.stringContaining('hello')]);
  });

  it('gives the place back after a download, a 404 and a refusal', async () => {
    const a = await userWithChat();
    expect((await a.get(`/export/sessions/${a.session}?format=markdown`)).status).toBe(200);
    expect((await a.get('/export/sessions/0123456789abcdef01234567?format=json')).status).toBe(404);
    expect((await a.get('/export/account')).status).toBe(200);
    expect(parley.services.exports.running()).toBe(0);
  });

  it('holds a place while a download is open, and gives it back once the client goes', async () => {
    const a = await userWithChat();
    // Some 8 MB of export: more than the sockets buffer, so an unread download waits.
    const turns = Array.from({ length: 2_000 }, (_, i) => ({
      id: `t${i}`,
      parent: i === 0 ? null : `t${i - 1}`,
      role: i % 2 ? 'assistant' : 'user',
      parts: [`${i} ${'x'.repeat(4_000)}`],
    }));
    const file = chatgptConversation({
      id: 'long',
      title: 'Long',
      created: 1,
      current: 't1999',
      turns,
    });
    expect((await importBody(parley, a.token, JSON.stringify([file]))).report).toMatchObject({
      messages: 2_000,
    });
    const open = () => fetch(`${parley.url}/export/account`, { headers: a.auth });
    const first = await open();
    const second = await open();
    expect([first.status, second.status]).toEqual([200, 200]);
    const third = await open();
    expect(third.status).toBe(429);
    await third.text();
    await Promise.all([first.body?.cancel(), second.body?.cancel()]);
    await vi.waitFor(() => expect(parley.services.exports.running()).toBe(0));
  });
});
