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
import { type OutboxAction, type OutgoingMessage, outboxReducer } from './outbox';
import { loadOutbox, saveOutbox } from './outboxStore';

interface OutboxValue {
  all: OutgoingMessage[];
  dispatch: Dispatch<OutboxAction>;
  /** clientIds with a send call under way: never two at once for one message. */
  inFlight: Set<string>;
  owner: string | undefined;
}

const OutboxContext = createContext<OutboxValue | null>(null);

export function OutboxProvider({ owner, children }: { owner?: string; children: ReactNode }) {
  const [all, dispatch] = useReducer(outboxReducer, owner, loadOutbox);
  const [inFlight] = useState(() => new Set<string>());
  // Every clientId this tab has held: the ones it dropped are not brought back.
  const [known] = useState(() => new Set<string>());
  useEffect(() => {
    for (const m of all) known.add(m.clientId);
    saveOutbox(owner, all, known);
  }, [owner, all, known]);
  return (
    <OutboxContext.Provider value={{ all, dispatch, inFlight, owner }}>
      {children}
    </OutboxContext.Provider>
  );
}

export function useOutboxContext(): OutboxValue {
  const value = useContext(OutboxContext);
  if (!value) throw new Error('useOutboxContext needs an OutboxProvider');
  return value;
}
