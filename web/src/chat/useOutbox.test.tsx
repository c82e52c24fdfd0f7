import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Message } from '../trpc/types';
import { OutboxProvider } from './OutboxProvider';
import { loadOutbox, outboxCharsMax, outboxMax, saveOutbox } from './outboxStore';
import { type SendInput, useOutbox } from './useOutbox';

const sessionId = 'c'.repeat(24);
const wrapper = ({ children }: { children: ReactNode }) => (
  <OutboxProvider>{children}</OutboxProvider>
);

/** A send whose every call waits until the test settles it. */
function controlledSend() {
  const calls: {
    input: SendInput;
    signal: AbortSignal;
    resolve: (m: Message) => void;
    reject: (e: Error) => void;
  }[] = [];
  const send = (input: SendInput, signal: AbortSignal) =>
    new Promise<Message>((resolve, reject) => {
      // As fetch does: an aborted call rejects.
      signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      calls.push({ input, signal, resolve, reject });
    });
  return { calls, send };
}

beforeEach(() => localStorage.clear());

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
    editedAt: null,
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

describe('sending over a connection that goes silent', () => {
  it('gives up after the timeout, aborting the call, and resends with the same clientId when the stream reconnects', async () => {
    const { calls, send } = controlledSend();
    const { result, rerender } = renderHook(
      ({ connected }) => useOutbox(sessionId, { send, onSent: () => {}, connected, timeoutMs: 50 }),
      { wrapper, initialProps: { connected: true } },
    );
    act(() => {
      void result.current.submit('into the void');
    });
    await waitFor(() => expect(result.current.outgoing[0]?.status).toBe('failed'));
    expect(calls[0]!.signal.aborted).toBe(true);
    expect(result.current.outgoing[0]).toMatchObject({ retryable: true });
    expect(result.current.outgoing[0]!.error).toMatch(/No answer from Parley/);

    rerender({ connected: false });
    expect(calls).toHaveLength(1);
    rerender({ connected: true });
    expect(calls).toHaveLength(2);
    expect(calls[1]!.input.clientId).toBe(calls[0]!.input.clientId);
    await act(async () => calls[1]!.resolve(stored(calls[1]!.input, 1)));
    expect(result.current.outgoing).toEqual([]);
  });

  it('resends when the browser comes back online, but not a message the server refused', async () => {
    const { calls, send } = controlledSend();
    const { result } = renderHook(() => useOutbox(sessionId, { send, onSent: () => {} }), {
      wrapper,
    });
    act(() => {
      void result.current.submit('lost on the way');
      void result.current.submit('refused');
    });
    await act(async () => {
      calls[0]!.reject(new TypeError('Failed to fetch'));
      calls[1]!.reject(new Error('Message is too long'));
    });
    expect(result.current.outgoing.map((m) => m.retryable)).toEqual([true, false]);
    act(() => {
      window.dispatchEvent(new Event('online'));
    });
    expect(calls).toHaveLength(3);
    expect(calls[2]!.input.clientId).toBe(calls[0]!.input.clientId);
  });
});

describe('the outbox across reloads', () => {
  const ownerWrapper =
    (owner: string) =>
    ({ children }: { children: ReactNode }) => (
      <OutboxProvider owner={owner}>{children}</OutboxProvider>
    );

  it('keeps unsent messages per person, resends them under their clientId, and forgets them once stored', async () => {
    const first = controlledSend();
    const before = renderHook(() => useOutbox(sessionId, { send: first.send, onSent: () => {} }), {
      wrapper: ownerWrapper('ann'),
    });
    act(() => {
      void before.result.current.submit('written before the reload');
    });
    const clientId = first.calls[0]!.input.clientId;
    before.unmount();

    const stranger = renderHook(
      () => useOutbox(sessionId, { send: first.send, onSent: () => {} }),
      {
        wrapper: ownerWrapper('bob'),
      },
    );
    expect(stranger.result.current.outgoing).toEqual([]);
    stranger.unmount();

    const again = controlledSend();
    const after = renderHook(
      () => useOutbox(sessionId, { send: again.send, onSent: () => {}, connected: true }),
      { wrapper: ownerWrapper('ann') },
    );
    expect(again.calls.map((c) => c.input)).toEqual([
      { sessionId, content: 'written before the reload', clientId },
    ]);
    await act(async () => again.calls[0]!.resolve(stored(again.calls[0]!.input, 1)));
    expect(after.result.current.outgoing).toEqual([]);
    expect(loadOutbox('ann')).toEqual([]);
  });

  it('keeps what two tabs are sending, and forgets what either has delivered', async () => {
    const tabA = controlledSend();
    const tabB = controlledSend();
    const a = renderHook(() => useOutbox(sessionId, { send: tabA.send, onSent: () => {} }), {
      wrapper: ownerWrapper('ann'),
    });
    const b = renderHook(() => useOutbox(sessionId, { send: tabB.send, onSent: () => {} }), {
      wrapper: ownerWrapper('ann'),
    });
    act(() => {
      void a.result.current.submit('from tab A');
    });
    act(() => {
      void b.result.current.submit('from tab B');
    });
    expect(loadOutbox('ann').map((m) => m.content)).toEqual(['from tab A', 'from tab B']);
    await act(async () => tabA.calls[0]!.resolve(stored(tabA.calls[0]!.input, 1)));
    expect(loadOutbox('ann').map((m) => m.content)).toEqual(['from tab B']);
  });

  it('stays within its bounds, keeping the newest', () => {
    const many = Array.from({ length: outboxMax + 20 }, (_, i) => ({
      clientId: `c${i}`,
      sessionId,
      content: `m${i}`,
      status: 'failed' as const,
      // One millisecond apart, so the order is the same however fast the test runs.
      createdAt: new Date(1_700_000_000_000 + i),
      afterSeq: 0,
    }));
    saveOutbox('ann', many);
    const kept = loadOutbox('ann');
    expect(kept).toHaveLength(outboxMax);
    expect(kept.at(-1)?.clientId).toBe(`c${outboxMax + 19}`);
    // This tab held every one of them and now holds two: none is another tab's to keep.
    const held = new Set(many.map((m) => m.clientId));
    saveOutbox('ann', [{ ...many[0]!, content: 'x'.repeat(outboxCharsMax + 1) }, many[1]!], held);
    expect(loadOutbox('ann').map((m) => m.clientId)).toEqual(['c1']);
  });
});
