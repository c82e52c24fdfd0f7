// A page of message.list is bounded in bytes as well as in count: long messages
// end a page early, and its cursor goes on exactly where the page stopped.
import { limits } from '@parley/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxPageBytes } from '../../src/chat/messages';
import type { Services } from '../../src/services';
import { closeServices, newUser, testServices } from '../support/harness';

let services: Services;
beforeAll(async () => {
  services = await testServices();
});
afterAll(() => closeServices(services));

const bytesOf = (items: { content: string }[]) =>
  items.reduce((n, m) => n + Buffer.byteLength(m.content), 0);

describe('message pages', () => {
  it('stop once their contents pass 1 MiB, and the cursor walks on with none lost or repeated', async () => {
    const { caller } = await newUser(services);
    const session = await caller.session.create({ title: 'long ones' });
    // 32,000 emoji are 128,000 bytes: a dozen of them pass the bound.
    const count = 12;
    for (let i = 0; i < count; i++) {
      await caller.message.send({
        sessionId: session.id,
        content: `${i}`.padEnd(2, '.') + '👋'.repeat(limits.contentMax - 2),
      });
    }
    const pages: { seq: number; content: string }[][] = [];
    let cursor: string | null = null;
    for (let i = 0; i < count; i++) {
      const page: Awaited<ReturnType<typeof caller.message.list>> = await caller.message.list({
        sessionId: session.id,
        limit: limits.messagePageMax,
        cursor,
      });
      pages.unshift(page.items);
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    const first = pages.at(-1) ?? [];
    expect(first.length).toBeLessThan(count);
    expect(bytesOf(first.slice(1))).toBeLessThan(maxPageBytes);
    expect(pages.flat().map((m) => m.seq)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
  });
});
