// message.onNew: a session's messages in seq order, each exactly once. Listens on the
// bus first, then delivers what is stored after lastEventId, then live events; a live
// event that arrives ahead of its predecessors (other processes, concurrent sends)
// waits until the gap is filled from the read model.
import type { Message } from '@parley/shared';
import { TRPCError, tracked } from '@trpc/server';
import { toApiMessage } from '../chat/mappers';
import { readMessages } from '../chat/messages';
import { loadOwnedSession } from '../chat/sessions';
import { idString } from '../db/ids';
import { log } from '../log';
import type { Services } from '../services';
import { busResync } from './bus';
import { sessionChannel } from './channels';
import { fellBehind, LiveFeed, superseded } from './feed';
import { storedRun } from './storedMessages';
import type { Viewer } from './viewer';

const pageSize = 100;
/** How soon to look again for a message another process has numbered but not stored yet. */
const holeRetryMs = 100;
/** A seq still missing after this long is a failed write: repair once, then move past it. */
const holeGiveUpMs = 5_000;

function resumePoint(lastEventId: string | null | undefined, count: number): number {
  if (lastEventId === undefined || lastEventId === null || lastEventId === '') return count;
  if (!/^\d{1,15}$/.test(lastEventId)) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'lastEventId must be a message seq.' });
  }
  return Math.min(Number(lastEventId), count);
}

export async function* streamMessages(
  services: Services,
  viewer: Viewer,
  input: { sessionId: string; lastEventId?: string | null | undefined },
  signal: AbortSignal | undefined,
) {
  // Checked before listening: someone else's session is refused without touching the bus.
  // Without lastEventId the stream starts from this count, so a message sent while the
  // stream opens is delivered, not mistaken for history.
  const opened = await loadOwnedSession(services, viewer.user._id, input.sessionId);
  const sessionId = opened._id;
  let last = resumePoint(input.lastEventId, opened.message_count ?? 0);
  const feed = await LiveFeed.open(services, viewer, sessionChannel(input.sessionId), signal);
  try {
    // Read again once listening: whatever is stored now comes from here, anything later from the bus.
    const current = (await services.db.sessions.findOne({ _id: sessionId })) ?? opened;
    // A session the old service wrote gets its read model built once (under the session's lock).
    const session =
      current.read_model === 1
        ? current
        : (await readMessages(services, current, () => [1, 0])).session;
    /** The highest seq known to exist; everything up to it goes out before waiting on the bus. */
    let known = session.message_count ?? 0;
    last = Math.min(last, known);
    /** Live events that arrived before their predecessors, by seq. */
    const early = new Map<number, Message>();
    let holeSince = 0;

    for (;;) {
      while (last < known) {
        const next = early.get(last + 1);
        if (next) {
          early.delete(next.seq);
          yield tracked(String(next.seq), next);
          last = next.seq;
          continue;
        }
        const run = await storedRun(
          services.db,
          sessionId,
          last + 1,
          Math.min(known, last + pageSize),
        );
        if (run.length === 0) break;
        for (const m of run) {
          yield tracked(String(m.seq), m);
          last = m.seq;
        }
      }
      for (const seq of early.keys()) if (seq <= last) early.delete(seq);

      if (last < known) {
        holeSince ||= Date.now();
        if (Date.now() - holeSince > holeGiveUpMs) {
          // readMessages rebuilds the read model from `messages` if it still disagrees.
          const fresh = await loadOwnedSession(services, viewer.user._id, input.sessionId);
          const read = await readMessages(services, fresh, (s) => [
            last + 1,
            Math.min(s.message_count ?? 0, last + pageSize),
          ]);
          const found = read.entries.filter((e) => e.seq > last);
          for (const e of found) {
            yield tracked(String(e.seq), toApiMessage(e, sessionId));
            last = e.seq;
          }
          if (found.length === 0) {
            log.warn('live stream skipped a missing message', {
              session: idString(sessionId),
              seq: last + 1,
            });
            last = early.size > 0 ? Math.min(...early.keys()) - 1 : known;
          }
          holeSince = 0;
          continue;
        }
      } else {
        holeSince = 0;
      }

      const event = await feed.next(last < known ? holeRetryMs : undefined);
      if (event === superseded) return;
      if (event === null) continue;
      if (event === busResync) {
        const fresh = await services.db.sessions.findOne({ _id: sessionId });
        known = Math.max(known, fresh?.message_count ?? 0);
        continue;
      }
      const m = event as Message;
      if (m.seq <= last) continue;
      if (m.seq === last + 1 && last === known) {
        yield tracked(String(m.seq), m);
        last = known = m.seq;
        continue;
      }
      early.set(m.seq, m);
      known = Math.max(known, m.seq);
      if (early.size > services.config.live.bufferSize) throw fellBehind();
    }
  } finally {
    feed.close();
  }
}
