// What a screen reader hears when messages arrive live: each message from elsewhere
// (another tab, a script), but not the ones this tab sent nor older pages loading.
import { useEffect, useRef, useState } from 'react';
import type { Message } from '../trpc/types';

export function useArrivals(messages: Message[], sentHere: ReadonlySet<number>): string {
  const newestSeen = useRef<number | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const newest = messages[messages.length - 1]?.seq;

  useEffect(() => {
    if (newest === undefined) return;
    const seen = newestSeen.current;
    newestSeen.current = Math.max(seen ?? 0, newest);
    if (seen === null || newest <= seen) return;
    const arrived = messages.filter((m) => m.seq > seen && !sentHere.has(m.seq));
    if (arrived.length > 0) {
      setAnnouncement(arrived.map((m) => `New message: ${m.content}`).join('\n'));
    }
  }, [newest, messages, sentHere]);

  return announcement;
}
