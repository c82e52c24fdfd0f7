// Holds outgoing messages above the conversation, so a failed one is still there
// after the person looks at another chat and comes back, and (per signed-in person,
// in localStorage) after a reload.
import {
  createContext,
  type Dispatch,
  type ReactNode,
  useContext,
  useEffect,
  useReducer,
  useState,
} from 'react';
import type { Message } from '../trpc/types';
import { type OutboxAction, type OutgoingMessage, outboxReducer } from './outbox';
import { clientIdsIn, loadOutbox, outboxKey, saveOutbox } from './outboxStore';

interface OutboxValue {
  all: OutgoingMessage[];
  dispatch: Dispatch<OutboxAction>;
  /** clientIds with a send call under way: never two at once for one message. */
  inFlight: Set<string>;
  /** The open chat's own handling of its stored messages, by session id (useOutbox). */
  sentHandlers: Map<string, (message: Message) => void>;
  owner: string | undefined;
}

const OutboxContext = createContext<OutboxValue | null>(null);

export function OutboxProvider({ owner, children }: { owner?: string; children: ReactNode }) {
  const [all, dispatch] = useReducer(outboxReducer, owner, loadOutbox);
  const [inFlight] = useState(() => new Set<string>());
  // Every clientId this tab has held: the ones it dropped are not brought back.
  const [known] = useState(() => new Set<string>());
  const [sentHandlers] = useState(() => new Map<string, (message: Message) => void>());
  useEffect(() => {
    for (const m of all) known.add(m.clientId);
    saveOutbox(owner, all, known);
  }, [owner, all, known]);
  // Another tab discarded or delivered a message this one holds too: this tab lets it
  // go as well, instead of sending it again or writing it back.
  useEffect(() => {
    if (!owner) return;
    const onStorage = (e: StorageEvent) => {
      if (e.key !== outboxKey(owner)) return;
      const left = clientIdsIn(e.newValue);
      for (const id of clientIdsIn(e.oldValue)) {
        if (!left.has(id) && !inFlight.has(id)) dispatch({ type: 'done', clientId: id });
      }
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, [owner, inFlight]);
  return (
    <OutboxContext.Provider value={{ all, dispatch, inFlight, sentHandlers, owner }}>
      {children}
    </OutboxContext.Provider>
  );
}

export function useOutboxContext(): OutboxValue {
  const value = useContext(OutboxContext);
  if (!value) throw new Error('useOutboxContext needs an OutboxProvider');
  return value;
}
