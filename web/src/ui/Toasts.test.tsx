import { act, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ToastProvider, useToast } from './Toasts';

function Trigger() {
  const toast = useToast();
  return (
    <button
      type="button"
      onClick={() => toast({ text: 'Moved “Plans” to Trash', action: { label: 'Undo', run() {} } })}
    >
      Delete
    </button>
  );
}

function showUndo() {
  render(
    <ToastProvider>
      <Trigger />
    </ToastProvider>,
  );
  fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
  return () => screen.queryByText('Moved “Plans” to Trash');
}

const wait = (ms: number) => act(() => vi.advanceTimersByTime(ms));

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the Undo notice', () => {
  it('closes by itself after 8 seconds', () => {
    const notice = showUndo();
    wait(7_900);
    expect(notice()).not.toBeNull();
    wait(200);
    expect(notice()).toBeNull();
  });

  it('stays open while the pointer is on it, then runs out the time it had left', () => {
    const notice = showUndo();
    wait(5_000);
    fireEvent.pointerEnter(notice()?.parentElement as HTMLElement);
    wait(20_000);
    expect(notice()).not.toBeNull();
    fireEvent.pointerLeave(notice()?.parentElement as HTMLElement);
    wait(2_900);
    expect(notice()).not.toBeNull();
    wait(200);
    expect(notice()).toBeNull();
  });

  it('stays open while focus is inside it, moving between its buttons included', () => {
    const notice = showUndo();
    const undo = screen.getByRole('button', { name: 'Undo' });
    const dismiss = screen.getByRole('button', { name: 'Dismiss' });
    fireEvent.focus(undo);
    wait(20_000);
    fireEvent.blur(undo, { relatedTarget: dismiss });
    fireEvent.focus(dismiss);
    wait(20_000);
    expect(notice()).not.toBeNull();
    fireEvent.blur(dismiss);
    wait(8_100);
    expect(notice()).toBeNull();
  });
});
