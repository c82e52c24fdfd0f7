// Whether the screen is narrow enough for the sidebar to be a drawer (styles.css).
import { useSyncExternalStore } from 'react';

const query = '(max-width: 799px)';

function subscribe(onChange: () => void): () => void {
  const list = window.matchMedia?.(query);
  list?.addEventListener('change', onChange);
  return () => list?.removeEventListener('change', onChange);
}

export function useNarrow(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => window.matchMedia?.(query).matches ?? false,
    () => false,
  );
}
