// Messages on their way to the server: shown at once, marked failed if sending
// fails, and retried under the same clientId so the server stores them once.

import type { Message } from '../trpc/types';

export interface OutgoingMessage {
  clientId: string;
  sessionId: string;
  content: string;
  status: 'sending' | 'failed';
  error?: string;
  /** A failure the connection caused (no answer, offline): sent again when it returns. */
  retryable?: boolean;
  createdAt: Date;
  /** The newest seq shown when it was written: its stored copy will come after. */
  afterSeq: number;
}

export type OutboxAction =
  | { type: 'queued'; message: OutgoingMessage }
  | { type: 'failed'; clientId: string; error: string; retryable?: boolean }
  | { type: 'retrying'; clientId: string }
  | { type: 'done'; clientId: string };

export function outboxReducer(state: OutgoingMessage[], action: OutboxAction): OutgoingMessage[] {
  switch (action.type) {
    case 'queued':
      if (state.some((m) => m.clientId === action.message.clientId)) return state;
      return [...state, action.message];
    case 'failed':
      return state.map((m) =>
        m.clientId === action.clientId
          ? { ...m, status: 'failed', error: action.error, retryable: action.retryable ?? false }
          : m,
      );
    case 'retrying':
      return state.map((m) =>
        m.clientId === action.clientId
          ? { ...m, status: 'sending', error: undefined, retryable: undefined }
          : m,
      );
    case 'done':
      return state.filter((m) => m.clientId !== action.clientId);
  }
}

/**
 * The outgoing messages still worth showing. The live stream can deliver a stored
 * message before its send call returns, or after the call failed on the way
 * back: either way, once a stored message carries its clientId, the outgoing
 * copy is done.
 */
export function visibleOutgoing(
  outgoing: OutgoingMessage[],
  messages: Message[],
): OutgoingMessage[] {
  const stored = new Set(messages.map((m) => m.clientId).filter((id) => id !== null));
  return outgoing.filter((o) => !stored.has(o.clientId));
}
