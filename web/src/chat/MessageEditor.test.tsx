import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { MessageEditor } from './MessageEditor';

describe('editing a message in place', () => {
  it('takes the direction of the text, so an Arabic message is edited right to left', () => {
    render(<MessageEditor content="مرحبا" onSave={() => {}} onCancel={() => {}} />);
    expect(screen.getByLabelText('Edit message').getAttribute('dir')).toBe('auto');
  });

  it('saves on Enter and cancels on Esc', () => {
    const onSave = vi.fn();
    const onCancel = vi.fn();
    render(<MessageEditor content="Pack light" onSave={onSave} onCancel={onCancel} />);
    const box = screen.getByLabelText('Edit message');
    fireEvent.change(box, { target: { value: 'Pack a raincoat' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(onSave).toHaveBeenCalledWith('Pack a raincoat');
    fireEvent.keyDown(box, { key: 'Escape' });
    expect(onCancel).toHaveBeenCalled();
  });
});
