// session.onChange: changes to the caller's own sessions, each carrying the session
// as it now is, with ids `<updatedAtMs>:<sessionId>`. Resuming first yields an
// `updated` event per session changed since lastEventId, then live events; a
// session's state is never sent twice, nor one older than a state already sent.
import type { Session, SessionChange } from '@parley/shared';
import { TRPCError, tracked } from '@trpc/server';
import type { ObjectId } from 'mongodb';
import { isServable, toApiSession } from '../chat/mappers';
import type { UserDoc } from '../db/documents';
import { idString, storedRefs } from '../db/ids';
import type { Context } from '../trpc/context';
import { busResync } from './bus';
import { type SessionChangeEvent, sessionChangeId, userChannel } from './channels';
import { LiveFeed, superseded } from './feed';

interface Position {
  at: number;
  id: string;
}

/** How far back a resync after a lost bus connection looks, beyond the newest event sent. */
const resyncMarginMs = 5_000;

function parseChangeId(id: string | null | undefined): Position | null {
  if (id === undefined || id === null || id === '') return null;
  const m = /^(\d{1,15}):([0-9a-f]{24})$/.exec(id);
  if (!m) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: 'lastEventId must be an id this stream sent.',
    });
  }
  return { at: Number(m[1]), id: m[2] ?? '' };
}

function isAfter(a: Position, b: Position): boolean {
  return a.at > b.at || (a.at === b.at && a.id > b.id);
}

export async function* streamSessionChanges(
  ctx: Context & { user: UserDoc },
  input: { lastEventId?: string | null | undefined } | undefined,
  signal: AbortSignal | undefined,
) {
  const { services, user } = ctx;
  const userId = idString(user._id);
  const feed = await LiveFeed.open(ctx, userChannel(userId), signal);
  try {
    const from = parseChangeId(input?.lastEventId);
    /** Per session, the newest state sent: (updatedAt, messageCount). */
    const sent = new Map<string, { at: number; count: number }>();
    let newest = from?.at ?? Date.now();
    const isNews = (s: Session) => {
      const prev = sent.get(s.id);
      const at = s.updatedAt.getTime();
      return !prev || at > prev.at || (at === prev.at && s.messageCount > prev.count);
    };
    const mark = (s: Session) => {
      const at = s.updatedAt.getTime();
      sent.set(s.id, { at, count: s.messageCount });
      newest = Math.max(newest, at);
    };

    /** Every session of the user changed after `since`, as it is now, oldest change first. */
    async function* catchUp(since: Position) {
      // Sessions are few beside messages: this reads the user's sessions changed since.
      const docs = await services.db.sessions
        .find({
          user_id: { $in: storedRefs(user._id) as ObjectId[] },
          updated_at: { $gte: new Date(since.at) },
        })
        .sort({ updated_at: 1, _id: 1 })
        .toArray();
      for (const doc of docs) {
        if (!isServable(doc)) continue;
        const session = toApiSession(doc);
        const id = sessionChangeId(session);
        const pos = parseChangeId(id);
        if (!pos || !isAfter(pos, since) || !isNews(session)) continue;
        mark(session);
        const change: SessionChange = { kind: 'updated', session };
        yield tracked(id, change);
      }
    }

    if (from) yield* catchUp(from);
    for (;;) {
      const event = await feed.next();
      if (event === superseded) return;
      if (event === null) continue;
      if (event === busResync) {
        yield* catchUp({ at: Math.max(0, newest - resyncMarginMs), id: '' });
        continue;
      }
      const { id, change } = event as SessionChangeEvent;
      // The channel is the user's own; checking the owner again costs nothing.
      if (change.session.userId !== userId || !isNews(change.session)) continue;
      mark(change.session);
      yield tracked(id, change);
    }
  } finally {
    feed.close();
  }
}
