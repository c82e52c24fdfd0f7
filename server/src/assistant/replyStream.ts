// message.onReply: the session's replies as they stream. Listens first, then sends
// each reply still being written as it stands (the running one of this process with
// all its text, else the last saved draft), then every event live. A view folds them
// with applyReplyEvent; a delta it cannot place waits for the next saved draft.
import type { Message, ReplyEvent } from '@parley/shared';
import { loadOwnedSession } from '../chat/sessions';
import { busResync } from '../realtime/bus';
import { LiveFeed, superseded } from '../realtime/feed';
import type { Viewer } from '../realtime/viewer';
import type { Services } from '../services';
import { replyChannel } from './channels';
import { apiReply, newestMessage } from './drafts';

export async function* streamReplies(
  services: Services,
  viewer: Viewer,
  input: { sessionId: string },
  signal: AbortSignal | undefined,
): AsyncGenerator<ReplyEvent> {
  await loadOwnedSession(services, viewer.user._id, input.sessionId);
  const feed = await LiveFeed.open(services, viewer, replyChannel(input.sessionId), signal);
  try {
    const draft = await currentDraft(services, viewer, input.sessionId);
    if (draft) yield { kind: 'draft', message: draft };
    for (;;) {
      const event = await feed.next();
      if (event === superseded) return;
      if (event === null || event === busResync) continue;
      yield event as ReplyEvent;
    }
  } finally {
    feed.close();
  }
}

async function currentDraft(services: Services, viewer: Viewer, sessionId: string) {
  const live = services.assistant?.draftOf(sessionId);
  if (live) return live;
  // Running in another process (or left by a crash not yet marked): its last save.
  const session = await loadOwnedSession(services, viewer.user._id, sessionId);
  const newest = await newestMessage(services, session);
  const shown: Message | null = newest?.status === 'streaming' ? apiReply(newest) : null;
  return shown;
}
