// Whether live updates are flowing: quiet when they are, a visible notice when not.
import type { LiveState } from './useLiveState';

const text: Record<LiveState, string> = {
  live: 'Live',
  connecting: 'Connecting to live updates…',
  // The stream hears a ping at least every 15 s: 20 s of silence means it is lost.
  down: 'Connection lost. Reconnecting…',
  offline: 'Offline. Will resend when back online',
};

/** The sidebar's short form. */
const compactText: Record<LiveState, string> = {
  ...text,
  down: 'Reconnecting…',
  offline: 'Offline',
};

export function ConnectionStatus({ state, compact }: { state: LiveState; compact?: boolean }) {
  return (
    <span
      className={`connection connection--${state}${compact ? ' connection--compact' : ''}`}
      role="status"
      aria-live="polite"
      title={
        state === 'live'
          ? 'Live updates on'
          : state === 'offline'
            ? 'The browser is offline: unsent messages go out when it is back'
            : 'Live updates paused: reconnecting'
      }
    >
      <span className="connection__dot" aria-hidden="true" />
      <span className="connection__text">{(compact ? compactText : text)[state]}</span>
    </span>
  );
}
