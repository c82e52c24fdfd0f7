// Where a chosen search hit opens: the chat, at the message to show and mark. The
// seq rides on the history entry, so Back returns to the hit and opening the chat
// any other way (the sidebar, a link) starts at its newest messages.
import { useSyncExternalStore } from 'react';
import { historyChanged, navigate, onHistoryChange } from '../app/route';

function hitOfEntry(): number | null {
  const seq = (window.history.state as { parleyHit?: unknown } | null)?.parleyHit;
  return typeof seq === 'number' && Number.isSafeInteger(seq) && seq > 0 ? seq : null;
}

/** Opens the chat; with a seq, scrolled to that message and marked. */
export function openHit(sessionId: string, seq: number | null): void {
  navigate({ view: 'chat', sessionId });
  window.history.replaceState(seq === null ? null : { parleyHit: seq }, '');
  historyChanged();
}

/** Back to the chat's newest messages (a send from further up). */
export function clearJump(): void {
  window.history.replaceState(null, '');
  historyChanged();
}

/** The seq the open chat `sessionId` shows first, or null for its newest messages. */
export function useJump(sessionId: string): number | null {
  const seq = useSyncExternalStore(onHistoryChange, hitOfEntry);
  return window.location.pathname === `/c/${sessionId}` ? seq : null;
}
