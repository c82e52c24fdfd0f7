// Holds outgoing messages above the conversation, so a failed one is still there
// after the person looks at another chat and comes back.
import { createContext, type Dispatch, type ReactNode, useContext, useReducer } from 'react';
import { type OutboxAction, type OutgoingMessage, outboxReducer } from './outbox';

const OutboxContext = createContext<[OutgoingMessage[], Dispatch<OutboxAction>] | null>(null);

export function OutboxProvider({ children }: { children: ReactNode }) {
  const value = useReducer(outboxReducer, []);
  return <OutboxContext.Provider value={value}>{children}</OutboxContext.Provider>;
}

export function useOutboxState(): [OutgoingMessage[], Dispatch<OutboxAction>] {
  const value = useContext(OutboxContext);
  if (!value) throw new Error('useOutboxState needs an OutboxProvider');
  return value;
}
