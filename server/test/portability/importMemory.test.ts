// What imports may hold in memory: one ChatGPT conversation's text is bounded as it
// is read (IMPORT_CONVERSATION_MAX_MB), whatever its count of values, and a process
// runs at most IMPORTS_AT_ONCE imports, refusing more with a retryable 429.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import { claimImportSlot } from '../../src/portability/importFile';
import { startTestServer } from '../support/harness';
import { chatgptConversation, importBody, signedInUser } from './support';

let parley: Parley;
beforeAll(async () => {
  parley = await startTestServer({ IMPORT_CONVERSATION_MAX_MB: '1', IMPORTS_AT_ONCE: '2' });
});
afterAll(() => parley.stop());

const t0 = 1_700_000_000;
const conversation = (id: string) =>
  JSON.stringify(
    chatgptConversation({
      id,
      title: id,
      created: t0,
      current: 'q',
      turns: [{ id: 'q', parent: null, role: 'user', parts: [`hello from ${id}`], time: t0 }],
    }),
  );

const junkMiB = 64;
/**
 * A file whose second conversation carries 64 MiB of 180-character strings (far
 * under the cap of values), made as it is sent: one 64 KiB chunk over and over.
 */
function fileWithBigConversation(): ReadableStream<Uint8Array> {
  const text = new TextEncoder();
  const chunk = text.encode(`"${'x'.repeat(180)}",`.repeat(Math.floor((64 * 1024) / 183)));
  const big = conversation('big');
  const parts = [
    text.encode(`[${conversation('first')},${big.slice(0, -1)},"junk":[`),
    ...Array.from({ length: Math.ceil((junkMiB * 1024 ** 2) / chunk.length) }, () => chunk),
    text.encode(`"end"]},${conversation('third')}]`),
  ];
  let i = 0;
  return new ReadableStream({
    pull(c) {
      if (i < parts.length) c.enqueue(parts[i++] as Uint8Array);
      else c.close();
    },
  });
}

describe('POST /import memory', () => {
  it('leaves out a conversation past IMPORT_CONVERSATION_MAX_MB of text as it is read, its text never held', async () => {
    const { caller, token } = await signedInUser(parley);
    const base = process.memoryUsage().heapUsed;
    let peak = base;
    const sample = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }, 5);
    const res = await fetch(`${parley.url}/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: fileWithBigConversation(),
      duplex: 'half',
    } as RequestInit);
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    clearInterval(sample);
    // Held whole, its strings alone would take more than 64 MiB.
    expect((peak - base) / 1024 ** 2).toBeLessThan(junkMiB / 2);
    expect(lines.at(-1)).toMatchObject({
      sessions: 2,
      errors: [
        { conversation: '#2', reason: expect.stringMatching(/too large to read.*1 MiB of text/) },
      ],
    });
    const titles = (await caller.session.list({})).items.map((s) => s.title).sort();
    expect(titles).toEqual(['first', 'third']);
  });

  it('runs at most IMPORTS_AT_ONCE imports in a process: one more gets 429 with Retry-After', async () => {
    const a = await signedInUser(parley);
    const b = await signedInUser(parley);
    const c = await signedInUser(parley);
    const releases = [a, b].map((u) => claimImportSlot(parley.services, u.user));
    const busy = await importBody(parley, c.token, '[]');
    expect(busy.status).toBe(429);
    expect(busy.text).toMatch(/as many imports as it takes at once; try again/);
    const retry = await fetch(`${parley.url}/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${c.token}` },
      body: '[]',
    });
    expect([retry.status, retry.headers.get('retry-after')]).toEqual([429, '30']);
    for (const release of releases) if (typeof release === 'function') release();
    expect((await importBody(parley, c.token, '[]')).report).toMatchObject({ sessions: 0 });
  });
});
