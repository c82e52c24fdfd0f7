// Whether live updates are flowing: quiet when they are, a visible notice when not.
import type { LiveState } from './useLiveState';

const text: Record<LiveState, string> = {
  live: 'Live',
  connecting: 'Connecting to live updates…',
  down: 'Reconnecting…',
};

export function ConnectionStatus({ state, compact }: { state: LiveState; compact?: boolean }) {
  return (
    <span
      className={`connection connection--${state}${compact ? ' connection--compact' : ''}`}
      role="status"
      aria-live="polite"
      title={state === 'live' ? 'Live updates on' : 'Live updates paused: reconnecting'}
    >
      <span className="connection__dot" aria-hidden="true" />
      <span className="connection__text">{text[state]}</span>
    </span>
  );
}
