import { fireEvent, render, screen } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { Composer } from './Composer';
import { draftsMax, readDraft, writeDraft } from './drafts';

beforeEach(() => localStorage.clear());

describe('drafts', () => {
  it('keep what was written in a chat across a remount, per chat, until it is sent', () => {
    const key = { owner: 'ann', sessionId: 'a'.repeat(24) };
    const first = render(<Composer onSend={() => {}} draftKey={key} />);
    fireEvent.change(screen.getByLabelText('Message'), { target: { value: 'half a thought' } });
    first.unmount();
    expect(readDraft('ann', 'b'.repeat(24))).toBe('');
    expect(readDraft('bob', key.sessionId)).toBe('');

    const onSend = vi.fn();
    const second = render(<Composer onSend={onSend} draftKey={key} />);
    const box = screen.getByLabelText('Message') as HTMLTextAreaElement;
    expect(box.value).toBe('half a thought');
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(onSend).toHaveBeenCalledWith('half a thought');
    second.unmount();
    expect(readDraft('ann', key.sessionId)).toBe('');
  });

  it('keep only the newest chats’ drafts', () => {
    for (let i = 0; i < draftsMax + 5; i++) writeDraft('ann', `s${i}`, `draft ${i}`, 1_000 + i);
    expect(readDraft('ann', 's0')).toBe('');
    expect(readDraft('ann', `s${draftsMax + 4}`)).toBe(`draft ${draftsMax + 4}`);
    expect(readDraft('ann', 's5')).toBe('draft 5');
  });
});
