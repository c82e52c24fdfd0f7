import { describe, expect, it } from 'vitest';
import type { Message } from '../trpc/types';
import { ReplyStore } from './replyStore';

const reply = (id: string): Message => ({
  id,
  sessionId: 'b'.repeat(24),
  userId: 'c'.repeat(24),
  seq: 2,
  role: 'assistant',
  content: '',
  createdAt: new Date(0),
  updatedAt: new Date(0),
  clientId: null,
  editedAt: null,
  status: 'streaming',
  error: null,
});

describe('the reply store', () => {
  it('wakes only the listeners of the reply that grew, once for a burst of tokens', async () => {
    const store = new ReplyStore();
    const a = 'a'.repeat(24);
    const b = 'd'.repeat(24);
    store.apply({ kind: 'draft', message: reply(a) });
    store.apply({ kind: 'draft', message: reply(b) });
    const woken: string[] = [];
    store.subscribe(a, () => woken.push('a'));
    store.subscribe(b, () => woken.push('b'));
    await new Promise((r) => setTimeout(r, 50));
    woken.length = 0;
    for (const [offset, text] of [
      [0, 'one '],
      [4, 'two '],
      [8, 'three'],
    ] as const) {
      store.apply({ kind: 'delta', messageId: a, seq: 2, offset, text });
    }
    await expect.poll(() => woken).toEqual(['a']);
    expect(store.get(a)?.content).toBe('one two three');
  });
});
