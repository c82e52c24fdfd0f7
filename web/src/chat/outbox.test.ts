import { describe, expect, it } from 'vitest';
import type { Message } from '../trpc/types';
import { type OutgoingMessage, outboxReducer, visibleOutgoing } from './outbox';

const sessionId = 'e'.repeat(24);
function outgoing(clientId: string, content: string, afterSeq: number): OutgoingMessage {
  return { clientId, sessionId, content, status: 'sending', createdAt: new Date(), afterSeq };
}
function stored(
  seq: number,
  content: string,
  clientId: string | null = null,
  role: Message['role'] = 'user',
): Message {
  const at = new Date();
  return {
    id: seq.toString(16).padStart(24, '0'),
    sessionId,
    userId: 'a'.repeat(24),
    seq,
    role,
    content,
    createdAt: at,
    updatedAt: at,
    clientId,
    editedAt: null,
  };
}

describe('the outbox', () => {
  it('hides a sending message once the live stream has delivered its stored copy', () => {
    const pending = [outgoing('a', 'hi', 3), outgoing('b', 'there', 3)];
    const messages = [stored(3, 'earlier'), stored(4, 'hi', 'a')];
    expect(visibleOutgoing(pending, messages).map((o) => o.clientId)).toEqual(['b']);
  });

  it('matches by clientId, so "ok" sent twice shows until both arrive', () => {
    const pending = [outgoing('a', 'ok', 5), outgoing('b', 'ok', 5)];
    expect(visibleOutgoing(pending, [stored(6, 'ok', 'a')]).map((o) => o.clientId)).toEqual(['b']);
    expect(visibleOutgoing(pending, [stored(6, 'ok', 'a'), stored(7, 'ok', 'b')])).toEqual([]);
  });

  it('does not mistake another message with the same words for the copy', () => {
    const pending = [outgoing('a', 'same words', 2)];
    const others = [
      stored(3, 'same words'),
      stored(4, 'same words', 'z'),
      stored(5, 'same words', null, 'assistant'),
    ];
    expect(visibleOutgoing(pending, others)).toHaveLength(1);
  });

  it('drops a failed send once its message turns out to be stored after all', () => {
    const failed = outboxReducer([outgoing('a', 'x', 0)], {
      type: 'failed',
      clientId: 'a',
      error: 'offline',
    });
    expect(visibleOutgoing(failed, [stored(1, 'x', 'other')])).toHaveLength(1);
    expect(visibleOutgoing(failed, [stored(1, 'x', 'a')])).toHaveLength(0);
  });

  it('queues a clientId once', () => {
    const message = outgoing('a', 'x', 0);
    const state = outboxReducer(outboxReducer([], { type: 'queued', message }), {
      type: 'queued',
      message,
    });
    expect(state).toHaveLength(1);
  });
});
