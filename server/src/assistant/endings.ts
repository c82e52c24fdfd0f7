// How a reply that did not run to its end ended: the status it is saved with, and
// the error its reader is shown.
import type { ReplyStatus } from '@parley/shared';
import type { AssistantConfig } from '../config/env';
import { QueueFull } from './limits';
import { describeFailure, type ReplyEnded } from './model';

const interruptedText = 'Parley stopped while this reply was being written.';

/** `signal` is the reply's own: aborted by Parley (stop, shutdown, length) or not at all. */
export function howItEnded(
  e: unknown,
  signal: AbortSignal,
  config: AssistantConfig,
): { status: ReplyStatus; error: string | null } {
  const ours = signal.aborted ? (signal.reason as ReplyEnded) : null;
  if (ours?.reason === 'stopped' || ours?.reason === 'superseded') {
    return { status: 'stopped', error: null };
  }
  if (ours?.reason === 'interrupted') return { status: 'interrupted', error: interruptedText };
  if (ours?.reason === 'too long') {
    return { status: 'stopped', error: 'The reply reached its length limit.' };
  }
  if (e instanceof QueueFull) {
    return {
      status: 'failed',
      error: 'Too many replies are waiting for the model. Try again in a moment.',
    };
  }
  return { status: 'failed', error: describeFailure(e, config) };
}
