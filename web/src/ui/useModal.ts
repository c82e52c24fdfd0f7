// A <dialog> shown as a modal while its component is mounted: the browser keeps
// focus inside it and gives focus back when it closes. A layout effect, so the
// dialog closes while it is still in the page: closed after its removal, it would
// leave focus on the body.
import { useLayoutEffect, useRef } from 'react';

export function useModal() {
  const dialog = useRef<HTMLDialogElement>(null);
  useLayoutEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  return dialog;
}
