import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { MessageBubble } from './MessageBubble';

describe('a message’s time', () => {
  it('gives the full date and time on hover and to screen readers, and its day heading', () => {
    const at = new Date(2026, 10, 24, 9, 5);
    const { container } = render(
      <ol>
        <MessageBubble author="user" content="hi" createdAt={at} day="Yesterday" />
      </ol>,
    );
    const full = new Intl.DateTimeFormat(undefined, {
      dateStyle: 'full',
      timeStyle: 'short',
    }).format(at);
    const time = container.querySelector('time');
    expect(time?.getAttribute('dateTime')).toBe(at.toISOString());
    expect(time?.getAttribute('title')).toBe(full);
    expect(time?.querySelector('.visually-hidden')?.textContent).toBe(full);
    expect(full).toContain('2026');
    expect(screen.getByRole('heading', { level: 2, name: 'Yesterday' })).toBeTruthy();
  });
});
