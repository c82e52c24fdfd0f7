// The search box's stand-in while its code loads (a Ctrl+K soon after the app
// starts): a hidden field that takes the keystrokes, so none lands in the composer
// behind, and keeps them for the box to start from once it opens.
import { useLayoutEffect, useRef } from 'react';

export function SearchSeed({ seed, onClose }: { seed: { current: string }; onClose: () => void }) {
  const input = useRef<HTMLInputElement>(null);
  // Before the browser paints, so no keystroke reaches what had focus.
  useLayoutEffect(() => input.current?.focus(), []);
  return (
    <input
      ref={input}
      type="search"
      className="visually-hidden"
      aria-label="Search chats and messages"
      defaultValue={seed.current}
      onChange={(e) => {
        seed.current = e.target.value;
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    />
  );
}
