// Global keyboard shortcuts: Ctrl/⌘+Shift+O starts a new chat, Ctrl/⌘+K opens the
// search box (Escape closes it).
import { useEffect } from 'react';

export interface Shortcuts {
  newChat: () => void;
  search: () => void;
}

export function useShortcuts({ newChat, search }: Shortcuts): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      if (!mod || e.altKey) return;
      const key = e.key.toLowerCase();
      if (key === 'o' && e.shiftKey) {
        e.preventDefault();
        newChat();
      } else if (key === 'k' && !e.shiftKey) {
        e.preventDefault();
        search();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [newChat, search]);
}
