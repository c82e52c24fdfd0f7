import { render } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { Message } from '../trpc/types';

// Counts how often a message's content renders: the measure of a list's work per change.
const rendered = vi.hoisted(() => ({ count: 0 }));
vi.mock('./MessageContent', () => ({
  MessageContent: ({ content }: { content: string }) => {
    rendered.count++;
    return <p>{content}</p>;
  },
}));

const { MessageList } = await import('./MessageList');

const sessionId = 'a'.repeat(24);
const start = Date.UTC(2026, 10, 1, 9);

function message(seq: number): Message {
  const at = new Date(start + seq * 60_000);
  return {
    id: seq.toString(16).padStart(24, '0'),
    sessionId,
    userId: 'b'.repeat(24),
    seq,
    role: seq % 2 ? 'user' : 'assistant',
    content: `message ${seq}`,
    createdAt: at,
    updatedAt: at,
    clientId: null,
    editedAt: null,
  };
}

describe('a long chat', () => {
  it('renders only the new message and its neighbour when one arrives, not every row', () => {
    const messages = Array.from({ length: 400 }, (_, i) => message(i + 1));
    const props = {
      outgoing: [],
      hasOlder: false,
      loadingOlder: false,
      loadOlder: () => {},
      onRetry: () => {},
      onDiscard: () => {},
    };
    // A new actions object each time, as a parent that re-renders hands it down.
    const actions = () => ({ copy: () => {}, save: () => {}, remove: () => {} });
    const { rerender, container } = render(
      <MessageList {...props} messages={messages} actions={actions()} />,
    );
    expect(rendered.count).toBe(400);
    rendered.count = 0;
    rerender(<MessageList {...props} messages={[...messages, message(401)]} actions={actions()} />);
    expect(container.querySelectorAll('.messages__list > li')).toHaveLength(401);
    // The new one, and the one before it, whose time and Tab stop may change.
    expect(rendered.count).toBeLessThanOrEqual(2);
  });
});
