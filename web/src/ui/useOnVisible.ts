// Calls back when an element scrolls into view: the trigger for loading more.
import { type RefObject, useCallback, useEffect, useRef } from 'react';

export function useOnVisible(
  ref: RefObject<Element | null>,
  onVisible: () => void,
  enabled: boolean,
  rootMargin = '200px',
): void {
  useEffect(() => {
    const el = ref.current;
    if (!enabled || !el || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) onVisible();
      },
      { rootMargin },
    );
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref, onVisible, enabled, rootMargin]);
}

interface Pages {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => Promise<unknown>;
}

/** Loads a paged list's next page when `sentinel` (the list's last item) comes into view, or on `more`. */
export function useLoadMore<T extends Element>(list: Pages) {
  const sentinel = useRef<T>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;
  const more = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  useOnVisible(sentinel, more, hasNextPage);
  return { sentinel, more };
}
