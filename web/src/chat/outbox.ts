// Messages on their way to the server: shown at once, marked failed if sending
// fails, and retried under the same clientId so the server stores them once.

import type { Message } from '../trpc/types';

export interface OutgoingMessage {
  clientId: string;
  sessionId: string;
  content: string;
  status: 'sending' | 'failed';
  error?: string;
  createdAt: Date;
  /** The newest seq shown when it was written: its stored copy will come after. */
  afterSeq: number;
}

export type OutboxAction =
  | { type: 'queued'; message: OutgoingMessage }
  | { type: 'failed'; clientId: string; error: string }
  | { type: 'retrying'; clientId: string }
  | { type: 'done'; clientId: string };

export function outboxReducer(state: OutgoingMessage[], action: OutboxAction): OutgoingMessage[] {
  switch (action.type) {
    case 'queued':
      if (state.some((m) => m.clientId === action.message.clientId)) return state;
      return [...state, action.message];
    case 'failed':
      return state.map((m) =>
        m.clientId === action.clientId ? { ...m, status: 'failed', error: action.error } : m,
      );
    case 'retrying':
      return state.map((m) =>
        m.clientId === action.clientId ? { ...m, status: 'sending', error: undefined } : m,
      );
    case 'done':
      return state.filter((m) => m.clientId !== action.clientId);
  }
}

/**
 * The outgoing messages still worth showing. The live stream can deliver a stored
 * message before its send call returns: that outgoing copy is hidden at once,
 * matched by content among the person's messages stored after it was written.
 */
export function visibleOutgoing(
  outgoing: OutgoingMessage[],
  messages: Message[],
): OutgoingMessage[] {
  const claimed = new Set<number>();
  return outgoing.filter((o) => {
    if (o.status !== 'sending') return true;
    const twin = messages.find(
      (m) =>
        m.role === 'user' && m.seq > o.afterSeq && m.content === o.content && !claimed.has(m.seq),
    );
    if (!twin) return true;
    claimed.add(twin.seq);
    return false;
  });
}
