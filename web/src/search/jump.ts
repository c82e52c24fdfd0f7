// Where a chosen search hit opens: the chat, and the message to show and mark.
// A small store outside the URL, so the address stays the chat's own.
import { useSyncExternalStore } from 'react';
import { navigate } from '../app/route';

export interface Jump {
  sessionId: string;
  seq: number;
}

let current: Jump | null = null;
const listeners = new Set<() => void>();

function set(jump: Jump | null): void {
  current = jump;
  for (const l of listeners) l();
}

/** Opens the chat; with a seq, scrolled to that message and marked. */
export function openHit(sessionId: string, seq: number | null): void {
  set(seq === null ? null : { sessionId, seq });
  navigate({ view: 'chat', sessionId });
}

/** Back to the chat's newest messages (a send from further up). */
export const clearJump = (): void => set(null);

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The seq to open `sessionId` at, or null for its newest messages. */
export function useJump(sessionId: string): number | null {
  const jump = useSyncExternalStore(subscribe, () => current);
  return jump?.sessionId === sessionId ? jump.seq : null;
}
