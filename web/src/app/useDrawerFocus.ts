// Focus while the phone drawer is open: it starts inside the drawer, Tab and
// Shift+Tab cycle within it, and on closing it goes back to the button that opened
// it (or, when that one is gone with the chat it belonged to, to the new chat's).
import { type RefObject, useEffect, useRef } from 'react';
import { nextTabStop, tabStopsIn } from './tabStops';

export function useDrawerFocus(
  open: boolean,
  drawer: RefObject<HTMLElement | null>,
  first: () => HTMLElement | null,
) {
  const opener = useRef<HTMLElement | null>(null);
  const wasOpen = useRef(false);

  useEffect(() => {
    if (!open) {
      if (!wasOpen.current) return;
      wasOpen.current = false;
      const back = opener.current?.isConnected
        ? opener.current
        : document.querySelector<HTMLElement>('.main-header__menu');
      back?.focus();
      return;
    }
    wasOpen.current = true;
    const active = document.activeElement;
    opener.current =
      active instanceof HTMLElement && !drawer.current?.contains(active) ? active : null;
    // The drawer becomes visible on the next frame: move focus into it then.
    const frame = requestAnimationFrame(() => {
      if (!drawer.current?.contains(document.activeElement)) first()?.focus();
    });

    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Tab' || !drawer.current) return;
      const next = nextTabStop(tabStopsIn(drawer.current), document.activeElement, e.shiftKey);
      if (!next) return;
      e.preventDefault();
      next.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => {
      cancelAnimationFrame(frame);
      document.removeEventListener('keydown', onKey);
    };
  }, [open, drawer, first]);
}
