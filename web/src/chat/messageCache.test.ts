import { describe, expect, it } from 'vitest';
import type { Message } from '../trpc/types';
import {
  addMessage,
  flattenMessages,
  type MessagePages,
  newestSeq,
  removeMessage,
} from './messageCache';

const sessionId = 'b'.repeat(24);
function message(seq: number, content = `m${seq}`): Message {
  const at = new Date(2026, 10, 24, 9, seq);
  return {
    id: seq.toString(16).padStart(24, '0'),
    sessionId,
    userId: 'a'.repeat(24),
    seq,
    role: 'user',
    content,
    createdAt: at,
    updatedAt: at,
    clientId: null,
    editedAt: null,
  };
}
function pages(...lists: [number[], string | null][]): MessagePages<string | null> {
  return {
    pages: lists.map(([seqs, nextCursor]) => ({
      items: seqs.map((s) => message(s)),
      nextCursor,
      prevCursor: null,
    })),
    pageParams: lists.map(() => null),
  };
}
const seqs = (data: MessagePages | undefined) => flattenMessages(data).map((m) => m.seq);

describe('the cached conversation', () => {
  it('shows pages oldest first although the newest page is loaded first', () => {
    expect(seqs(pages([[4, 5, 6], 'c'], [[1, 2, 3], null]))).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('adds a live message to the end once, whichever copy comes first', () => {
    const data = pages([[4, 5], 'c'], [[1, 2, 3], null]);
    const once = addMessage(data, message(6));
    const twice = addMessage(once, message(6, 'same message again'));
    expect(seqs(twice)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(flattenMessages(twice).at(-1)?.content).toBe('same message again');
  });

  it('keeps order when two live messages arrive out of order', () => {
    const data = addMessage(addMessage(pages([[1, 2], null]), message(4)), message(3));
    expect(seqs(data)).toEqual([1, 2, 3, 4]);
    expect(newestSeq(data)).toBe(4);
  });

  it('leaves a message older than the loaded pages to paging', () => {
    const data = pages([[5, 6], 'c']);
    expect(addMessage(data, message(2))).toBe(data);
  });

  it('resumes the live stream after the newest loaded message, or from 0 for an empty chat', () => {
    expect(newestSeq(pages([[7, 8], 'c'], [[5, 6], null]))).toBe(8);
    expect(newestSeq(pages([[], null]))).toBe(0);
  });

  it('takes a deleted message out of whichever page holds it, and brings it back by seq', () => {
    const data = pages([[4, 5], 'c'], [[2, 3], null]);
    const without = removeMessage(data, message(3).id);
    expect(seqs(without)).toEqual([2, 4, 5]);
    expect(removeMessage(without, message(3).id)).toBe(without);
    expect(seqs(addMessage(without, message(3)))).toEqual([2, 3, 4, 5]);
  });
});
