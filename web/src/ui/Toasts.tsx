// Short notices at the bottom of the screen, optionally with one action (Undo).
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';

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
  const show = useCallback<Show>(
    (input) => {
      const toast = { ...input, id: nextId++ };
      setToasts((all) => [...all.slice(-2), toast]);
      setTimeout(() => dismiss(toast.id), input.durationMs ?? (input.action ? 8_000 : 4_000));
    },
    [dismiss],
  );
  const value = useMemo(() => show, [show]);
  return (
    <ToastContext.Provider value={value}>
      {children}
      <section className="toasts" aria-live="polite" aria-label="Notifications">
        {toasts.map((t) => (
          <div key={t.id} className={`toast${t.tone === 'error' ? ' toast--error' : ''}`}>
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
        ))}
      </section>
    </ToastContext.Provider>
  );
}
