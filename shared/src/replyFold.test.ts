import { describe, expect, it } from 'vitest';
import type { Message } from './api';
import { applyReplyEvent } from './replyFold';

const draft = (content: string, extra: Partial<Message> = {}): Message => ({
  id: 'a'.repeat(24),
  sessionId: 'b'.repeat(24),
  userId: 'c'.repeat(24),
  seq: 2,
  role: 'assistant',
  content,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  clientId: null,
  editedAt: null,
  status: 'streaming',
  error: null,
  model: 'm',
  ...extra,
});
const delta = (offset: number, text: string) =>
  ({ kind: 'delta', messageId: 'a'.repeat(24), seq: 2, offset, text }) as const;

describe('folding reply events', () => {
  it('appends a delta at its offset, and only the part not seen yet of an overlapping one', () => {
    let m = applyReplyEvent(null, { kind: 'draft', message: draft('') });
    m = applyReplyEvent(m, delta(0, 'Hel'));
    m = applyReplyEvent(m, delta(3, 'lo'));
    m = applyReplyEvent(m, delta(3, 'lo')); // seen twice: the saved draft and the live one
    m = applyReplyEvent(m, delta(4, 'o!'));
    expect(m?.content).toBe('Hello!');
  });

  it('leaves a gap for the next saved draft to fill, and a draft never shortens the text', () => {
    let m = applyReplyEvent(null, { kind: 'draft', message: draft('Hi') });
    m = applyReplyEvent(m, delta(5, 'late'));
    expect(m?.content).toBe('Hi');
    m = applyReplyEvent(m, { kind: 'draft', message: draft('Hi there') });
    m = applyReplyEvent(m, { kind: 'draft', message: draft('Hi') });
    expect(m?.content).toBe('Hi there');
  });

  it('an ended reply stays ended until it is regenerated', () => {
    let m = applyReplyEvent(null, { kind: 'end', message: draft('Done.', { status: 'done' }) });
    m = applyReplyEvent(m, { kind: 'draft', message: draft('Do') });
    m = applyReplyEvent(m, delta(5, ' more'));
    expect(m).toMatchObject({ content: 'Done.', status: 'done' });
    m = applyReplyEvent(m, { kind: 'draft', message: draft('', { previous: ['Done.'] }) });
    expect(m).toMatchObject({ content: '', status: 'streaming', previous: ['Done.'] });
  });
});
