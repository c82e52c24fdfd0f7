import { act, renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import type { Message } from '../trpc/types';
import { OutboxProvider } from './OutboxProvider';
import { type SendInput, useOutbox } from './useOutbox';

const sessionId = 'c'.repeat(24);
const wrapper = ({ children }: { children: ReactNode }) => (
  <OutboxProvider>{children}</OutboxProvider>
);

/** A send whose every call waits until the test settles it. */
function controlledSend() {
  const calls: { input: SendInput; resolve: (m: Message) => void; reject: (e: Error) => void }[] =
    [];
  const send = (input: SendInput) =>
    new Promise<Message>((resolve, reject) => calls.push({ input, resolve, reject }));
  return { calls, send };
}

function stored(input: SendInput, seq: number): Message {
  const at = new Date();
  return {
    id: seq.toString(16).padStart(24, '0'),
    sessionId: input.sessionId,
    userId: 'a'.repeat(24),
    seq,
    role: 'user',
    content: input.content,
    createdAt: at,
    updatedAt: at,
    clientId: null,
  };
}

describe('sending messages', () => {
  it('shows a message at once, then hands the stored one over', async () => {
    const { calls, send } = controlledSend();
    const sent: Message[] = [];
    const { result } = renderHook(
      () => useOutbox(sessionId, { send, onSent: (m) => sent.push(m) }),
      {
        wrapper,
      },
    );
    let done: Promise<void> = Promise.resolve();
    act(() => {
      done = result.current.submit('hello');
    });
    expect(result.current.outgoing).toMatchObject([{ content: 'hello', status: 'sending' }]);
    const call = calls[0]!;
    expect(call.input.clientId).toMatch(/^[0-9a-f-]{36}$/);
    await act(async () => {
      call.resolve(stored(call.input, 1));
      await done;
    });
    expect(sent.map((m) => m.content)).toEqual(['hello']);
    expect(result.current.outgoing).toEqual([]);
  });

  it('keeps a failed message visible and retries it under the same clientId', async () => {
    const { calls, send } = controlledSend();
    const { result } = renderHook(() => useOutbox(sessionId, { send, onSent: () => {} }), {
      wrapper,
    });
    let done: Promise<void> = Promise.resolve();
    act(() => {
      done = result.current.submit('flaky network');
    });
    await act(async () => {
      calls[0]!.reject(new TypeError('Failed to fetch'));
      await done;
    });
    const failed = result.current.outgoing[0]!;
    expect(failed).toMatchObject({ status: 'failed', content: 'flaky network' });
    expect(failed.error).toMatch(/Could not reach Parley/);

    act(() => {
      done = result.current.retry(failed.clientId);
    });
    expect(result.current.outgoing[0]?.status).toBe('sending');
    expect(calls).toHaveLength(2);
    expect(calls[1]!.input.clientId).toBe(calls[0]!.input.clientId);

    // A second Retry while the first is under way sends nothing more.
    act(() => {
      void result.current.retry(failed.clientId);
    });
    expect(calls).toHaveLength(2);

    await act(async () => {
      calls[1]!.resolve(stored(calls[1]!.input, 1));
      await done;
    });
    expect(result.current.outgoing).toEqual([]);
  });

  it('keeps each session’s outgoing messages to itself, and discards on request', async () => {
    const { calls, send } = controlledSend();
    const other = 'd'.repeat(24);
    const { result } = renderHook(
      () => ({
        here: useOutbox(sessionId, { send, onSent: () => {} }),
        there: useOutbox(other, { send, onSent: () => {} }),
      }),
      { wrapper },
    );
    let done: Promise<void> = Promise.resolve();
    act(() => {
      done = result.current.here.submit('for this chat');
    });
    expect(result.current.there.outgoing).toEqual([]);
    await act(async () => {
      calls[0]!.reject(new TypeError('Failed to fetch'));
      await done;
    });
    act(() => result.current.here.discard(result.current.here.outgoing[0]!.clientId));
    expect(result.current.here.outgoing).toEqual([]);
  });
});
