import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useLiveState } from './useLiveState';

describe('the live-updates indicator', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('stays quiet through a quick connect, then says so when the stream drops', () => {
    const { result, rerender } = renderHook(({ status }) => useLiveState(status), {
      initialProps: { status: 'connecting' },
    });
    act(() => vi.advanceTimersByTime(500));
    rerender({ status: 'pending' });
    expect(result.current).toBe('live');

    rerender({ status: 'connecting' });
    expect(result.current).toBe('live');
    act(() => vi.advanceTimersByTime(1_500));
    expect(result.current).toBe('down');

    rerender({ status: 'pending' });
    expect(result.current).toBe('live');
  });

  it('reads "connecting" when the stream never came up', () => {
    const { result } = renderHook(() => useLiveState('connecting'));
    act(() => vi.advanceTimersByTime(1_500));
    expect(result.current).toBe('connecting');
  });
});

describe('the indicator when the browser goes offline', () => {
  afterEach(() => vi.restoreAllMocks());

  it('shows offline at once, and the stream’s own state when back online', () => {
    const onLine = vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(true);
    const { result } = renderHook(() => useLiveState('pending'));
    expect(result.current).toBe('live');
    onLine.mockReturnValue(false);
    act(() => {
      window.dispatchEvent(new Event('offline'));
    });
    expect(result.current).toBe('offline');
    onLine.mockReturnValue(true);
    act(() => {
      window.dispatchEvent(new Event('online'));
    });
    expect(result.current).toBe('live');
  });
});
