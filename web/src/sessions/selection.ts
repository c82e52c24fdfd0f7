// Selecting several chats in the sidebar: a click toggles one, Shift-click takes
// the range from the last one clicked in the order the rows are shown (across
// sections), Ctrl/⌘-A takes every chat shown. Rows register the session they
// show, so the bar acts on whole sessions.
import { createContext, useCallback, useContext, useMemo, useRef, useState } from 'react';
import type { Session } from '../trpc/types';

export interface Selection {
  ids: ReadonlySet<string>;
  sessions: () => Session[];
  toggle: (session: Session, range: boolean, rows: () => string[]) => void;
  selectAll: (rows: string[]) => void;
  clear: () => void;
  register: (session: Session) => void;
}

export function useSelectionState(): Selection {
  const [ids, setIds] = useState<ReadonlySet<string>>(new Set());
  const known = useRef(new Map<string, Session>());
  const anchor = useRef<string | null>(null);
  const register = useCallback((s: Session) => {
    known.current.set(s.id, s);
  }, []);
  const toggle = useCallback((s: Session, range: boolean, rows: () => string[]) => {
    setIds((prev) => {
      const next = new Set(prev);
      const order = rows();
      const from = anchor.current ? order.indexOf(anchor.current) : -1;
      const to = order.indexOf(s.id);
      if (range && from >= 0 && to >= 0) {
        for (const id of order.slice(Math.min(from, to), Math.max(from, to) + 1)) next.add(id);
      } else if (next.has(s.id)) next.delete(s.id);
      else next.add(s.id);
      return next;
    });
    anchor.current = s.id;
  }, []);
  const selectAll = useCallback((rows: string[]) => setIds(new Set(rows)), []);
  const clear = useCallback(() => {
    anchor.current = null;
    setIds(new Set());
  }, []);
  const sessions = useCallback(
    () => [...ids].map((id) => known.current.get(id)).filter((s): s is Session => Boolean(s)),
    [ids],
  );
  return useMemo(
    () => ({ ids, sessions, toggle, selectAll, clear, register }),
    [ids, sessions, toggle, selectAll, clear, register],
  );
}

export const SelectionContext = createContext<Selection | null>(null);

export function useSelection(): Selection {
  const s = useContext(SelectionContext);
  if (!s) throw new Error('useSelection outside its provider');
  return s;
}
