import { describe, expect, it } from 'vitest';
import { dayBreaks, dayLabel } from './days';

const now = new Date(2026, 11, 1, 9, 30);

describe('day headings in a chat', () => {
  it('names today and yesterday, then the date, with the year only when it differs', () => {
    expect(dayLabel(new Date(2026, 11, 1, 0, 1), now, 'en-GB')).toBe('Today');
    expect(dayLabel(new Date(2026, 10, 30, 23, 59), now, 'en-GB')).toBe('Yesterday');
    expect(dayLabel(new Date(2026, 10, 24, 12), now, 'en-GB')).toMatch(/^Tuesday,? 24 November$/);
    expect(dayLabel(new Date(2025, 11, 31, 12), now, 'en-GB')).toMatch(
      /^Wednesday,? 31 December 2025$/,
    );
  });

  it('puts a heading above the first message of each day, and only there', () => {
    const dates = [
      new Date(2026, 10, 29, 22),
      new Date(2026, 10, 29, 23),
      new Date(2026, 10, 30, 8),
      new Date(2026, 11, 1, 0, 0),
      new Date(2026, 11, 1, 9),
    ];
    expect(dayBreaks(dates, now, 'en-GB')).toEqual([
      'Sunday 29 November',
      null,
      'Yesterday',
      'Today',
      null,
    ]);
  });
});
