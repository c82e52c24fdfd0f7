// The sign-in and sign-up limits of every process behind one Redis, kept as one:
// each process tells the others the failures, correct logins and sign-ups it
// counted, and counts theirs in its own windows. So a client that spreads its
// guesses over the processes behind a balancer gets no more than from one.
// Without Redis (one process) there is nothing to share.
import { randomUUID } from 'node:crypto';
import type { EventBus } from '../realtime/bus';
import type { RegistrationThrottle } from './registrationThrottle';
import type { LoginThrottle } from './throttle';

const channel = 'auth-throttles';

type Shared =
  | { from: string; kind: 'failed' | 'succeeded'; username: string; address: string; at: number }
  | { from: string; kind: 'counted' | 'abandoned'; address: string; at: number };

const text = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;

/** Starts sharing the two throttles over `bus`; answers how to stop. */
export async function shareThrottles(
  bus: EventBus,
  logins: LoginThrottle,
  signUps: RegistrationThrottle,
): Promise<() => void> {
  if (!bus.crossProcess) return () => {};
  const self = randomUUID();
  const tell = (event: Shared) => void bus.publish(channel, event).catch(() => {});
  const stop = await bus.subscribe(channel, (payload) => {
    const e = payload as Partial<Shared> | null;
    if (!e || e.from === self || !text(e.address, 200) || !Number.isFinite(e.at)) return;
    const at = e.at as number;
    if (e.kind === 'failed' || e.kind === 'succeeded') {
      const username = (e as { username?: unknown }).username;
      if (text(username, 200)) logins.count({ kind: e.kind, username, address: e.address, at });
    } else if (e.kind === 'counted' || e.kind === 'abandoned') {
      signUps.count({ kind: e.kind, address: e.address, at });
    }
  });
  logins.onOutcome = (o) => tell({ from: self, ...o });
  signUps.onCount = (c) => tell({ from: self, ...c });
  return () => {
    logins.onOutcome = null;
    signUps.onCount = null;
    stop();
  };
}
