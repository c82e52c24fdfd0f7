import { renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Message } from '../trpc/types';
import { useArrivals } from './useArrivals';

function message(seq: number): Message {
  const at = new Date();
  return {
    id: seq.toString(16).padStart(24, '0'),
    sessionId: 'f'.repeat(24),
    userId: 'a'.repeat(24),
    seq,
    role: 'user',
    content: `m${seq}`,
    createdAt: at,
    updatedAt: at,
    clientId: null,
    editedAt: null,
  };
}
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => message(from + i));

describe('announcing arrivals', () => {
  it('announces live messages from elsewhere, not the first page, older pages or our own', () => {
    const sentHere = new Set<number>();
    const { result, rerender } = renderHook(({ list }) => useArrivals(list, sentHere), {
      initialProps: { list: range(51, 100) },
    });
    expect(result.current).toBe('');
    rerender({ list: range(1, 100) });
    expect(result.current).toBe('');
    sentHere.add(101);
    rerender({ list: range(1, 101) });
    expect(result.current).toBe('');
    rerender({ list: range(1, 102) });
    expect(result.current).toBe('New message: m102');
  });
});
