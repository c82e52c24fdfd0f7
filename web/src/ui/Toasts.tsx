// Short notices at the bottom of the screen, optionally with one action (Undo).
// A notice closes by itself after a while, but never while the pointer is on it or
// focus is inside it: whoever is reading it or reaching for Undo keeps it open.
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';

export interface ToastInput {
  text: string;
  action?: { label: string; run: () => void };
  tone?: 'info' | 'error';
  durationMs?: number;
}

interface Toast extends ToastInput {
  id: number;
}

type Show = (toast: ToastInput) => void;
const ToastContext = createContext<Show>(() => {});

export function useToast(): Show {
  return useContext(ToastContext);
}

let nextId = 1;

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const dismiss = useCallback(
    (id: number) => setToasts((all) => all.filter((t) => t.id !== id)),
    [],
  );
  const show = useCallback<Show>((input) => {
    const toast = { ...input, id: nextId++ };
    setToasts((all) => [...all.slice(-2), toast]);
  }, []);
  const value = useMemo(() => show, [show]);
  return (
    <ToastContext.Provider value={value}>
      {children}
      <section className="toasts" aria-live="polite" aria-label="Notifications">
        {toasts.map((t) => (
          <ToastItem key={t.id} toast={t} dismiss={dismiss} />
        ))}
      </section>
    </ToastContext.Provider>
  );
}

function ToastItem({ toast: t, dismiss }: { toast: Toast; dismiss: (id: number) => void }) {
  const [pointed, setPointed] = useState(false);
  const [focused, setFocused] = useState(false);
  const held = pointed || focused;
  // The time still to run: a held notice keeps what it had left when it was held.
  const left = useRef(t.durationMs ?? (t.action ? 8_000 : 4_000));
  useEffect(() => {
    if (held) return;
    const started = Date.now();
    const timer = setTimeout(() => dismiss(t.id), left.current);
    return () => {
      clearTimeout(timer);
      left.current = Math.max(0, left.current - (Date.now() - started));
    };
  }, [held, dismiss, t.id]);

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: pointer and focus only hold the notice open; its buttons are what is used
    <div
      className={`toast${t.tone === 'error' ? ' toast--error' : ''}`}
      onPointerEnter={() => setPointed(true)}
      onPointerLeave={() => setPointed(false)}
      onFocus={() => setFocused(true)}
      onBlur={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget)) setFocused(false);
      }}
    >
      <span>{t.text}</span>
      {t.action && (
        <button
          type="button"
          className="toast__action"
          onClick={() => {
            t.action?.run();
            dismiss(t.id);
          }}
        >
          {t.action.label}
        </button>
      )}
      <button
        type="button"
        className="toast__close"
        aria-label="Dismiss"
        onClick={() => dismiss(t.id)}
      >
        ×
      </button>
    </div>
  );
}
