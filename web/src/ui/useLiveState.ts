// Maps a subscription's status to what the person sees. A stream that is not live
// shows so only after a moment (no flash on every chat opened), and one that was
// connected before reads "Reconnecting…", not "Connecting…". A browser that says it
// is offline shows so at once, whatever the stream has noticed yet.
import { useEffect, useRef, useState } from 'react';
import { useOnline } from './useOnline';

export type LiveState = 'connecting' | 'live' | 'down' | 'offline';

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
  const online = useOnline();
  const [shown, setShown] = useState<LiveState>('live');
  useEffect(() => {
    if (actual === 'live') {
      setShown('live');
      return;
    }
    const timer = setTimeout(() => setShown(actual), graceMs);
    return () => clearTimeout(timer);
  }, [actual]);
  return online ? shown : 'offline';
}
