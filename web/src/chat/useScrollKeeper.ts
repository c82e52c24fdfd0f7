// Scrolling a conversation: start at the bottom, follow new messages while the
// person is at the bottom, and keep the view still when older messages load above.
// Messages that grow after they appear (markdown and highlighting load lazily) keep
// the bottom in view for a person who was there.
import { type RefObject, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';

const nearBottomPx = 80;

export function useScrollKeeper(
  scroller: RefObject<HTMLElement | null>,
  firstKey: string | undefined,
  lastKey: string | undefined,
  lastIsMine: boolean,
) {
  const atBottom = useRef(true);
  const beforeOlder = useRef<{ height: number; top: number } | null>(null);
  /** Newer messages are being loaded below: their arrival is not news to follow. */
  const newerLoading = useRef(false);
  const [unseen, setUnseen] = useState(false);

  const onScroll = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < nearBottomPx;
    if (atBottom.current) setUnseen(false);
  }, [scroller]);

  /** Call just before older messages are requested. */
  const markBeforeOlder = useCallback(() => {
    const el = scroller.current;
    if (el) beforeOlder.current = { height: el.scrollHeight, top: el.scrollTop };
  }, [scroller]);

  /** Call just before newer messages are requested (a chat opened at a search hit). */
  const markBeforeNewer = useCallback(() => {
    atBottom.current = false;
    newerLoading.current = true;
  }, []);

  const scrollToBottom = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    el.scrollTop = el.scrollHeight;
    atBottom.current = true;
    setUnseen(false);
  }, [scroller]);

  // Older messages arrived above: move down by exactly what was added.
  useLayoutEffect(() => {
    const el = scroller.current;
    const before = beforeOlder.current;
    if (!el || !before || firstKey === undefined) return;
    beforeOlder.current = null;
    el.scrollTop = before.top + (el.scrollHeight - before.height);
  }, [firstKey, scroller]);

  // A new message at the bottom: follow it if the person was there or sent it.
  useLayoutEffect(() => {
    if (lastKey === undefined) return;
    if (newerLoading.current) {
      newerLoading.current = false;
      return;
    }
    if (atBottom.current || lastIsMine) scrollToBottom();
    else setUnseen(true);
  }, [lastKey, lastIsMine, scrollToBottom]);

  useEffect(() => {
    const el = scroller.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      if (atBottom.current) el.scrollTop = el.scrollHeight;
    });
    for (const child of el.children) observer.observe(child);
    return () => observer.disconnect();
  }, [scroller]);

  return { onScroll, markBeforeOlder, markBeforeNewer, scrollToBottom, unseen };
}
