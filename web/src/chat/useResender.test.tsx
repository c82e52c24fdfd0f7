import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Message } from '../trpc/types';
import { OutboxProvider, useOutboxContext } from './OutboxProvider';
import type { OutgoingMessage } from './outbox';
import { loadOutbox, outboxKey, saveOutbox } from './outboxStore';
import { type SendInput, useOutbox } from './useOutbox';
import { type ResenderDeps, useResender } from './useResender';

const owner = 'e'.repeat(24);
const chatB = 'b'.repeat(24);
const chatC = 'c'.repeat(24);
const wrapper = ({ children }: { children: ReactNode }) => (
  <OutboxProvider owner={owner}>{children}</OutboxProvider>
);

beforeEach(() => localStorage.clear());

function unsent(sessionId: string, content: string): OutgoingMessage {
  return {
    clientId: crypto.randomUUID(),
    sessionId,
    content,
    status: 'sending',
    createdAt: new Date(),
    afterSeq: 0,
  };
}

function stored(input: SendInput, seq: number): Message {
  const at = new Date();
  return {
    id: seq.toString(16).padStart(24, '0'),
    sessionId: input.sessionId,
    userId: owner,
    seq,
    role: 'user',
    content: input.content,
    createdAt: at,
    updatedAt: at,
    clientId: input.clientId,
    editedAt: null,
  };
}

function renderResender(deps: ResenderDeps) {
  return renderHook(
    () => {
      useResender(deps);
      return useOutboxContext().all;
    },
    { wrapper },
  );
}

describe('resending in the background', () => {
  it('sends at start what a reload left unsent, in every chat, under the same clientIds', async () => {
    const left = [unsent(chatB, 'to B'), unsent(chatC, 'to C')];
    saveOutbox(owner, left);
    const calls: SendInput[] = [];
    const sent: Message[] = [];
    const { result } = renderResender({
      send: async (input) => {
        calls.push(input);
        return stored(input, calls.length);
      },
      onSent: (m) => sent.push(m),
    });
    await waitFor(() => expect(result.current).toEqual([]));
    expect(calls.map((c) => [c.sessionId, c.clientId]).sort()).toEqual(
      left.map((m) => [m.sessionId, m.clientId]).sort(),
    );
    expect(sent.map((m) => m.content).sort()).toEqual(['to B', 'to C']);
    expect(loadOutbox(owner)).toEqual([]);
  });

  it('tries again after a pause while the connection is gone, and at once when the browser is back online', async () => {
    saveOutbox(owner, [unsent(chatB, 'lost on the way')]);
    let calls = 0;
    let reachable = false;
    const { result } = renderResender({
      send: async (input) => {
        calls++;
        if (!reachable) throw new TypeError('Failed to fetch');
        return stored(input, calls);
      },
      onSent: () => {},
      pausesMs: [30, 60_000],
    });
    // The start, then one round after the short pause; the next pause is long.
    await waitFor(() => expect(calls).toBe(2));
    await waitFor(() => expect(result.current[0]?.status).toBe('failed'));
    expect(result.current[0]?.retryable).toBe(true);
    reachable = true;
    act(() => {
      window.dispatchEvent(new Event('online'));
    });
    await waitFor(() => expect(result.current).toEqual([]));
    expect(calls).toBe(3);
  });

  it('leaves a message that Parley refused for the person to decide', async () => {
    saveOutbox(owner, [unsent(chatB, 'into a chat in the trash')]);
    let calls = 0;
    const { result } = renderResender({
      send: async () => {
        calls++;
        throw new Error('This session is in the trash. Restore it to send messages.');
      },
      onSent: () => {},
      pausesMs: [10],
    });
    await waitFor(() => expect(result.current[0]?.status).toBe('failed'));
    expect(result.current[0]?.retryable).toBe(false);
    await new Promise((r) => setTimeout(r, 100));
    act(() => {
      window.dispatchEvent(new Event('online'));
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(calls).toBe(1);
    expect(result.current).toHaveLength(1);
  });

  it('hands a chat that is open its own messages, so it counts them as its own', async () => {
    saveOutbox(owner, [unsent(chatB, 'typed while offline')]);
    let reachable = false;
    const send = async (input: SendInput) => {
      if (!reachable) throw new TypeError('Failed to fetch');
      return stored(input, 1);
    };
    const background: number[] = [];
    const ownChat: number[] = [];
    const { result } = renderHook(
      () => {
        useResender({ send, onSent: (m) => background.push(m.seq), pausesMs: [60_000] });
        return useOutbox(chatB, { send, onSent: (m) => ownChat.push(m.seq) });
      },
      { wrapper },
    );
    await waitFor(() => expect(result.current.outgoing[0]?.status).toBe('failed'));
    reachable = true;
    act(() => {
      window.dispatchEvent(new Event('online'));
    });
    await waitFor(() => expect(result.current.outgoing).toEqual([]));
    expect(ownChat).toEqual([1]);
    expect(background).toEqual([]);
  });

  it('lets go of a message another tab discarded or delivered, and never sends it', async () => {
    const lost = unsent(chatB, 'discarded elsewhere');
    saveOutbox(owner, [lost]);
    let calls = 0;
    const { result } = renderResender({
      send: async () => {
        calls++;
        throw new TypeError('Failed to fetch');
      },
      onSent: () => {},
      pausesMs: [60_000],
    });
    await waitFor(() => expect(result.current[0]?.status).toBe('failed'));
    const before = localStorage.getItem(outboxKey(owner));
    // What the other tab's Discard writes: the outbox without it.
    act(() => {
      window.dispatchEvent(
        new StorageEvent('storage', { key: outboxKey(owner), oldValue: before, newValue: null }),
      );
    });
    await waitFor(() => expect(result.current).toEqual([]));
    const sentBefore = calls;
    act(() => {
      window.dispatchEvent(new Event('online'));
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(calls).toBe(sentBefore);
    expect(loadOutbox(owner)).toEqual([]);
  });
});
