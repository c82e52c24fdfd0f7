import { act, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LoadFailed } from './LoadFailed';

const setOnline = (online: boolean) => {
  Object.defineProperty(navigator, 'onLine', { value: online, configurable: true });
  act(() => {
    window.dispatchEvent(new Event(online ? 'online' : 'offline'));
  });
};

afterEach(() => {
  vi.useRealTimers();
  setOnline(true);
});

describe('a load that failed', () => {
  it('offers Retry, and tries again by itself, backing off, while Parley cannot be reached', () => {
    vi.useFakeTimers();
    const onRetry = vi.fn();
    const { rerender } = render(
      <LoadFailed className="state" error={new TypeError('Failed to fetch')} onRetry={onRetry} />,
    );
    screen.getByRole('button', { name: 'Retry' });
    act(() => vi.advanceTimersByTime(2_000));
    expect(onRetry).toHaveBeenCalledTimes(1);
    // That try failed too: the next waits twice as long.
    rerender(
      <LoadFailed className="state" error={new TypeError('Failed to fetch')} onRetry={onRetry} />,
    );
    act(() => vi.advanceTimersByTime(3_999));
    expect(onRetry).toHaveBeenCalledTimes(1);
    act(() => vi.advanceTimersByTime(1));
    expect(onRetry).toHaveBeenCalledTimes(2);
  });

  it('tries again as soon as the browser is back online', () => {
    const onRetry = vi.fn();
    render(
      <LoadFailed className="state" error={new TypeError('Failed to fetch')} onRetry={onRetry} />,
    );
    setOnline(false);
    expect(onRetry).not.toHaveBeenCalled();
    setOnline(true);
    expect(onRetry).toHaveBeenCalledTimes(1);
  });

  it('does not ask again by itself what the server refused', () => {
    vi.useFakeTimers();
    const onRetry = vi.fn();
    render(<LoadFailed className="state" error={new Error('Refused')} onRetry={onRetry} />);
    act(() => vi.advanceTimersByTime(60_000));
    expect(onRetry).not.toHaveBeenCalled();
  });
});
