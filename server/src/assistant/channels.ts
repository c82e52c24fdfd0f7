// Where reply events go: a session's reply channel (every open view of it), and one
// channel every process listens on for stop requests (a reply runs in the process
// that started it, a stop may arrive at any).
import type { ReplyEvent } from '@parley/shared';
import { log } from '../log';
import type { Services } from '../services';

export const replyChannel = (sessionId: string) => `reply:${sessionId}`;
export const stopChannel = 'assistant:stop';

export async function publishReplyEvent(
  services: Services,
  sessionId: string,
  event: ReplyEvent,
): Promise<void> {
  try {
    await services.bus.publish(replyChannel(sessionId), event);
  } catch (e) {
    // The stored reply is what counts; a view that missed tokens gets them at the next save.
    log.warn('reply event not published', { session: sessionId, error: (e as Error).message });
  }
}
