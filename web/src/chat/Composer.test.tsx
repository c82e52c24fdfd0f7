import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { Composer } from './Composer';

describe('the composer', () => {
  it('sends on Enter, breaks the line on Shift+Enter, and clears after sending', () => {
    const onSend = vi.fn();
    render(<Composer onSend={onSend} />);
    const box = screen.getByLabelText('Message') as HTMLTextAreaElement;
    fireEvent.change(box, { target: { value: 'first line' } });
    fireEvent.keyDown(box, { key: 'Enter', shiftKey: true });
    expect(onSend).not.toHaveBeenCalled();
    fireEvent.change(box, { target: { value: 'first line\nsecond line' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(onSend).toHaveBeenCalledWith('first line\nsecond line');
    expect(box.value).toBe('');
  });

  it('does not send blank text, nor anything while disabled', () => {
    const onSend = vi.fn();
    const { rerender } = render(<Composer onSend={onSend} />);
    const box = screen.getByLabelText('Message');
    fireEvent.change(box, { target: { value: '  \n ' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(onSend).not.toHaveBeenCalled();
    rerender(<Composer onSend={onSend} disabled />);
    fireEvent.change(box, { target: { value: 'hello' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(onSend).not.toHaveBeenCalled();
    expect(screen.getByRole('button', { name: 'Send message' })).toHaveProperty('disabled', true);
  });

  it('takes the direction of the text typed, so Arabic or Hebrew is written right to left', () => {
    render(<Composer onSend={() => {}} />);
    expect(screen.getByLabelText('Message').getAttribute('dir')).toBe('auto');
  });
});
