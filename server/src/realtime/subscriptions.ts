// The two live streams. Each listens on the bus first, then backfills from the
// database after lastEventId, then yields live events, dropping any already sent.
import type { Message, Session, SessionChange } from '@parley/shared';
import { tracked } from '@trpc/server';
import { toApiSession } from '../chat/mappers';
import { messagesAfter } from '../chat/messages';
import { loadOwnedSession } from '../chat/sessions';
import type { UserDoc } from '../db/documents';
import { idString } from '../db/ids';
import type { Context } from '../trpc/context';
import { type SessionChangeEvent, sessionChangeId, sessionChannel, userChannel } from './channels';
import { Inbox } from './inbox';
import { authChecker, recheckEveryMs } from './liveAuth';

const inboxCapacity = 1_000;

/** Waits for the next inbox item while re-checking auth on a timer. */
async function nextOrRecheck<T>(
  inbox: Inbox<T>,
  signal: AbortSignal | undefined,
  recheck: () => Promise<void>,
): Promise<T | undefined> {
  const timer = new AbortController();
  const both = signal ? AbortSignal.any([signal, timer.signal]) : timer.signal;
  const t = setTimeout(() => timer.abort(), recheckEveryMs);
  try {
    for (;;) {
      const item = await inbox.next(both);
      if (item !== undefined || signal?.aborted) return item;
      await recheck();
      return nextOrRecheck(inbox, signal, recheck);
    }
  } finally {
    clearTimeout(t);
  }
}

export async function* streamMessages(
  ctx: Context & { user: UserDoc },
  input: { sessionId: string; lastEventId?: string | null | undefined },
  signal: AbortSignal | undefined,
) {
  const { services } = ctx;
  await loadOwnedSession(services, ctx.user._id, input.sessionId);
  const inbox = new Inbox<Message>(inboxCapacity);
  const unsubscribe = await services.bus.subscribe(sessionChannel(input.sessionId), (m) =>
    inbox.push(m as Message),
  );
  const recheck = authChecker(ctx);
  try {
    const session = await loadOwnedSession(services, ctx.user._id, input.sessionId);
    const resumeFrom = Number.parseInt(input.lastEventId ?? '', 10);
    let last =
      Number.isInteger(resumeFrom) && resumeFrom >= 0 ? resumeFrom : (session.message_count ?? 0);
    if (last < (session.message_count ?? 0)) {
      for (const m of await messagesAfter(services, session, last)) {
        yield tracked(String(m.seq), m);
        last = m.seq;
      }
    }
    for (;;) {
      const m = await nextOrRecheck(inbox, signal, recheck);
      if (!m) return;
      if (m.seq <= last) continue;
      if (m.seq > last + 1) {
        // Events from several processes can arrive out of order: fill the gap from the read model.
        const fresh = await loadOwnedSession(services, ctx.user._id, input.sessionId);
        for (const g of await messagesAfter(services, fresh, last)) {
          if (g.seq >= m.seq) break;
          yield tracked(String(g.seq), g);
          last = g.seq;
        }
      }
      yield tracked(String(m.seq), m);
      last = m.seq;
    }
  } finally {
    unsubscribe();
  }
}

function parseChangeId(id: string | null | undefined): { at: number; id: string } | null {
  const m = /^(\d{1,15}):([0-9a-f]{24})$/.exec(id ?? '');
  return m ? { at: Number(m[1]), id: m[2] ?? '' } : null;
}

function isAfter(a: { at: number; id: string }, b: { at: number; id: string }): boolean {
  return a.at > b.at || (a.at === b.at && a.id > b.id);
}

export async function* streamSessionChanges(
  ctx: Context & { user: UserDoc },
  input: { lastEventId?: string | null | undefined } | undefined,
  signal: AbortSignal | undefined,
) {
  const { services, user } = ctx;
  const inbox = new Inbox<SessionChangeEvent>(inboxCapacity);
  const unsubscribe = await services.bus.subscribe(userChannel(idString(user._id)), (e) =>
    inbox.push(e as SessionChangeEvent),
  );
  const recheck = authChecker(ctx);
  try {
    let last = parseChangeId(input?.lastEventId);
    if (last) {
      // Sessions are few per user: this reads the user's sessions changed since.
      const since = new Date(last.at);
      const changed = await services.db.sessions
        .find({ user_id: user._id, updated_at: { $gte: since } })
        .sort({ updated_at: 1, _id: 1 })
        .toArray();
      for (const doc of changed) {
        const session: Session = toApiSession(doc);
        const pos = parseChangeId(sessionChangeId(session));
        if (!pos || !isAfter(pos, last)) continue;
        const change: SessionChange = { kind: 'updated', session };
        yield tracked(sessionChangeId(session), change);
        last = pos;
      }
    }
    for (;;) {
      const event = await nextOrRecheck(inbox, signal, recheck);
      if (!event) return;
      const pos = parseChangeId(event.id);
      if (last && pos && !isAfter(pos, last) && event.change.kind !== 'message') continue;
      yield tracked(event.id, event.change);
      if (pos && (!last || isAfter(pos, last))) last = pos;
    }
  } finally {
    unsubscribe();
  }
}
