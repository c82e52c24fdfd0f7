// The day headings of a conversation: "Today", "Yesterday", then the date, each
// shown above the first message of its day (in the reader's time zone).
const dayMs = 86_400_000;

function startOfDay(d: Date): number {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

export function dayLabel(date: Date, now: Date, locale?: string): string {
  const days = Math.round((startOfDay(now) - startOfDay(date)) / dayMs);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  const sameYear = date.getFullYear() === now.getFullYear();
  return date.toLocaleDateString(locale, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    ...(sameYear ? {} : { year: 'numeric' }),
  });
}

/** For each date in order, the heading to show above it, or null when its day goes on. */
export function dayBreaks(dates: Date[], now: Date, locale?: string): (string | null)[] {
  let previous: number | null = null;
  return dates.map((date) => {
    const day = startOfDay(date);
    if (day === previous) return null;
    previous = day;
    return dayLabel(date, now, locale);
  });
}
