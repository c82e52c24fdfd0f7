// Cached pages of a conversation: page 0 is the newest, items inside a page run
// oldest to newest. New messages (sent here, or live from elsewhere) join page 0.
import type { InfiniteData } from '@tanstack/react-query';
import type { Message, MessagePage } from '../trpc/types';

export type MessagePages<P = unknown> = InfiniteData<MessagePage, P>;

/** Adds a message once, by seq; a message already there is replaced by the newer copy. */
export function addMessage<P>(
  data: MessagePages<P> | undefined,
  message: Message,
): MessagePages<P> | undefined {
  if (!data || data.pages.length === 0) return data;
  const pages = data.pages.map((page) => {
    const at = page.items.findIndex((m) => m.seq === message.seq);
    if (at < 0) return page;
    const items = page.items.slice();
    items[at] = message;
    return { ...page, items };
  });
  if (pages.some((page, i) => page !== data.pages[i])) return { ...data, pages };
  const newest = pages[0];
  if (!newest) return data;
  const oldestLoaded = pages[pages.length - 1]?.items[0]?.seq ?? 0;
  // Older than everything loaded, with more pages to fetch: paging will bring it.
  if (message.seq < oldestLoaded && pages[pages.length - 1]?.nextCursor !== null) return data;
  const items = [...newest.items, message].sort((a, b) => a.seq - b.seq);
  return { ...data, pages: [{ ...newest, items }, ...pages.slice(1)] };
}

/** Takes a message out of every page it is in (deleted here or elsewhere). */
export function removeMessage<P>(
  data: MessagePages<P> | undefined,
  id: string,
): MessagePages<P> | undefined {
  if (!data) return data;
  let changed = false;
  const pages = data.pages.map((page) => {
    if (!page.items.some((m) => m.id === id)) return page;
    changed = true;
    return { ...page, items: page.items.filter((m) => m.id !== id) };
  });
  return changed ? { ...data, pages } : data;
}

/** Every loaded message, oldest first, once each. */
export function flattenMessages(data: MessagePages | undefined): Message[] {
  const seen = new Set<number>();
  const out: Message[] = [];
  for (const page of [...(data?.pages ?? [])].reverse()) {
    for (const m of page.items) {
      if (seen.has(m.seq)) continue;
      seen.add(m.seq);
      out.push(m);
    }
  }
  return out.sort((a, b) => a.seq - b.seq);
}

/** The newest seq loaded: where a live stream should resume. */
export function newestSeq(data: MessagePages | undefined): number {
  const newest = data?.pages[0]?.items;
  return newest?.[newest.length - 1]?.seq ?? 0;
}
