// message.onReply: the session's replies as they stream. Listens first, then sends
// each reply still being written as it stands (the running one of this process with
// all its text, else the last saved draft), then every event live. A view folds them
// with applyReplyEvent; a delta it cannot place waits for the next saved draft.
import type { Message, ReplyEvent } from '@parley/shared';
import { loadOwnedSession } from '../chat/sessions';
import type { UserDoc } from '../db/documents';
import { busResync } from '../realtime/bus';
import { LiveFeed, superseded } from '../realtime/feed';
import type { Context } from '../trpc/context';
import { replyChannel } from './channels';
import { apiReply, newestMessage } from './drafts';

export async function* streamReplies(
  ctx: Context & { user: UserDoc },
  input: { sessionId: string },
  signal: AbortSignal | undefined,
): AsyncGenerator<ReplyEvent> {
  const { services } = ctx;
  await loadOwnedSession(services, ctx.user._id, input.sessionId);
  const feed = await LiveFeed.open(ctx, replyChannel(input.sessionId), signal);
  try {
    const draft = await currentDraft(ctx, input.sessionId);
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

async function currentDraft(ctx: Context & { user: UserDoc }, sessionId: string) {
  const live = ctx.services.assistant?.draftOf(sessionId);
  if (live) return live;
  // Running in another process (or left by a crash not yet marked): its last save.
  const session = await loadOwnedSession(ctx.services, ctx.user._id, sessionId);
  const newest = await newestMessage(ctx.services, session);
  const shown: Message | null = newest?.status === 'streaming' ? apiReply(newest) : null;
  return shown;
}
