// A chat's export menu (loaded when first opened): Markdown or JSON, as a download
// named from the chat's title.
import { useEffect, useRef, useState } from 'react';
import { useAuth } from '../auth/AuthContext';
import { authorized, fileNameOf, refusal, save } from './http';
import './portability.css';

interface ChatExportMenuProps {
  sessionId: string;
  title: string;
  /** Where its button is: the menu opens below it, above the sidebar's scrolling. */
  at: DOMRect;
  onClose: () => void;
}

const formats = [
  { format: 'markdown', label: 'Export as Markdown', ext: 'md' },
  { format: 'json', label: 'Export as JSON', ext: 'json' },
] as const;

export default function ChatExportMenu({ sessionId, title, at, onClose }: ChatExportMenuProps) {
  const { accessToken } = useAuth();
  const menu = useRef<HTMLDivElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    menu.current?.querySelector<HTMLButtonElement>('[role="menuitem"]')?.focus();
    const onDown = (e: PointerEvent) => {
      if (!menu.current?.contains(e.target as Node)) onClose();
    };
    document.addEventListener('pointerdown', onDown);
    return () => document.removeEventListener('pointerdown', onDown);
  }, [onClose]);

  const download = async (format: 'markdown' | 'json', ext: string) => {
    setBusy(true);
    setError(null);
    try {
      const res = await authorized(accessToken, `/export/sessions/${sessionId}?format=${format}`);
      if (!res.ok) throw new Error(await refusal(res));
      save(await res.blob(), fileNameOf(res, `chat.${ext}`));
      onClose();
    } catch (e) {
      setError((e as Error).message || 'The export failed.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div
      ref={menu}
      className="popover-menu"
      role="menu"
      aria-label={`Export “${title}”`}
      tabIndex={-1}
      style={{ top: at.bottom + 4, right: Math.max(8, window.innerWidth - at.right) }}
      onKeyDown={(e) => {
        // The chat list's own arrow keys must not move focus out of the menu.
        e.stopPropagation();
        if (e.key === 'Escape') onClose();
        if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
          e.preventDefault();
          const items = [
            ...(menu.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? []),
          ];
          const at = items.indexOf(document.activeElement as HTMLButtonElement);
          const next = (at + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
          items[next]?.focus();
        }
      }}
    >
      {formats.map(({ format, label, ext }) => (
        <button
          key={format}
          type="button"
          role="menuitem"
          className="popover-menu__item"
          disabled={busy}
          onClick={() => void download(format, ext)}
        >
          {label}
        </button>
      ))}
      {error && (
        <p className="popover-menu__error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
