// A <dialog> shown as a modal while its component is mounted: the browser keeps
// focus inside it and gives focus back when it closes.
import { useEffect, useRef } from 'react';

export function useModal() {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  return dialog;
}
