// Maps a subscription's status to what the person sees. A stream that is not live
// shows so only after a moment (no flash on every chat opened), and one that was
// connected before reads "Reconnecting…", not "Connecting…".
import { useEffect, useRef, useState } from 'react';

export type LiveState = 'connecting' | 'live' | 'down';

const graceMs = 1_200;

/** 'pending' is tRPC's word for a subscription that is connected and waiting for events. */
function liveStateOf(status: string, everConnected: boolean): LiveState {
  if (status === 'pending') return 'live';
  if (status === 'error') return 'down';
  return everConnected ? 'down' : 'connecting';
}

export function useLiveState(status: string): LiveState {
  const everConnected = useRef(false);
  if (status === 'pending') everConnected.current = true;
  const actual = liveStateOf(status, everConnected.current);
  const [shown, setShown] = useState<LiveState>('live');
  useEffect(() => {
    if (actual === 'live') {
      setShown('live');
      return;
    }
    const timer = setTimeout(() => setShown(actual), graceMs);
    return () => clearTimeout(timer);
  }, [actual]);
  return shown;
}
