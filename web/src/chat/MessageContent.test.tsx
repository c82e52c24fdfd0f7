import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { foldLines, isLong, MessageContent } from './MessageContent';

describe('a very long message', () => {
  it('folds behind Show more, and unfolds on request', async () => {
    const long = Array.from({ length: foldLines + 5 }, (_, i) => `line ${i}`).join('\n');
    const { container } = render(<MessageContent content={long} />);
    await screen.findByText(/line 0/, { selector: '.md p' });
    const toggle = screen.getByRole('button', { name: 'Show more' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(container.querySelector('.message__content--folded')).not.toBeNull();
    fireEvent.click(toggle);
    expect(screen.getByRole('button', { name: 'Show less' }).getAttribute('aria-expanded')).toBe(
      'true',
    );
    expect(container.querySelector('.message__content--folded')).toBeNull();
  });

  it('leaves short messages alone', () => {
    expect(isLong('a few words')).toBe(false);
    expect(isLong('x'.repeat(5_000))).toBe(true);
    render(<MessageContent content="short" />);
    expect(screen.queryByRole('button', { name: 'Show more' })).toBeNull();
  });
});
