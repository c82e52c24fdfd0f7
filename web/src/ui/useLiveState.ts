// Maps a subscription's status to what the person sees, remembering whether it was
// ever connected (so a drop reads "Reconnecting…", not "Connecting…").
import { useRef } from 'react';
import { type LiveState, liveStateOf } from '../sessions/useSessionChanges';

export function useLiveState(status: string): LiveState {
  const everConnected = useRef(false);
  if (status === 'pending') everConnected.current = true;
  return liveStateOf(status, everConnected.current);
}
