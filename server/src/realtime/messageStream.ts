// message.onNew: a session's messages in seq order, each exactly once. Listens on the
// bus first, then delivers what is stored after lastEventId, then live events; a live
// event that arrives ahead of its predecessors (other processes, concurrent sends)
// waits until the gap is filled from the read model. message.onChange is the same
// stream carrying edits, deletes and restores too (messageChanges.ts); deleted
// messages are stepped over by both.
import type { Message, MessageEvent } from '@parley/shared';
import { type TrackedEnvelope, tracked } from '@trpc/server';
import { toApiMessage } from '../chat/mappers';
import { readMessages } from '../chat/messages';
import { loadOwnedSession } from '../chat/sessions';
import { idString } from '../db/ids';
import { log } from '../log';
import type { Services } from '../services';
import { busResync } from './bus';
import { isMessageChangeNudge, sessionChannel } from './channels';
import { fellBehind, LiveFeed, superseded } from './feed';
import { changesAfter, eventId, parseEventId } from './messageChanges';
import { storedRun } from './storedMessages';
import type { Viewer } from './viewer';

const pageSize = 100;
/** How soon to look again for a message another process has numbered but not stored yet. */
const holeRetryMs = 100;
/** A seq still missing after this long is a failed write: repair once, then move past it. */
const holeGiveUpMs = 5_000;

type StreamInput = { sessionId: string; lastEventId?: string | null | undefined };

/** message.onNew: each new message, tracked by its seq. */
export function streamMessages(
  services: Services,
  viewer: Viewer,
  input: StreamInput,
  signal: AbortSignal | undefined,
) {
  return stream(services, viewer, input, signal, false) as AsyncGenerator<TrackedEnvelope<Message>>;
}

/** message.onChange: new messages, edits, deletes and restores, tracked by `<seq>:<change>`. */
export function streamMessageEvents(
  services: Services,
  viewer: Viewer,
  input: StreamInput,
  signal: AbortSignal | undefined,
) {
  return stream(services, viewer, input, signal, true) as AsyncGenerator<
    TrackedEnvelope<MessageEvent>
  >;
}

async function* stream(
  services: Services,
  viewer: Viewer,
  input: StreamInput,
  signal: AbortSignal | undefined,
  withChanges: boolean,
): AsyncGenerator<TrackedEnvelope<Message | MessageEvent>> {
  // Checked before listening: someone else's session is refused without touching the bus.
  // Without lastEventId the stream starts from this count, so a message sent while the
  // stream opens is delivered, not mistaken for history.
  const opened = await loadOwnedSession(services, viewer.user._id, input.sessionId);
  const sessionId = opened._id;
  const resume = parseEventId(input.lastEventId);
  let last = Math.min(resume?.seq ?? Number.POSITIVE_INFINITY, opened.message_count ?? 0);
  /** The last change delivered; without one given, changes from the stream's opening on. */
  let lastChange = Math.min(resume?.change ?? Number.POSITIVE_INFINITY, opened.change_count ?? 0);
  /** A new message: a bare Message for streams that did not opt in to changes. */
  const newOne = (m: Message) =>
    withChanges
      ? tracked(eventId(m.seq, lastChange), { kind: 'new', message: m } as MessageEvent)
      : tracked(String(m.seq), m as Message | MessageEvent);
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
    /** The newest change known to be stored. */
    let changeKnown = session.change_count ?? 0;
    /** Live events that arrived before their predecessors, by seq. */
    const early = new Map<number, Message>();
    let holeSince = 0;

    for (;;) {
      while (last < known) {
        const next = early.get(last + 1);
        if (next) {
          early.delete(next.seq);
          yield newOne(next);
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
        for (const { message, deleted } of run) {
          if (!deleted) yield newOne(message);
          last = message.seq;
        }
      }
      for (const seq of early.keys()) if (seq <= last) early.delete(seq);

      if (withChanges && lastChange < changeKnown) {
        // After the new messages: every change then concerns one already delivered.
        const fresh = (await services.db.sessions.findOne({ _id: sessionId })) ?? session;
        changeKnown = Math.max(changeKnown, fresh.change_count ?? 0);
        for (const change of await changesAfter(services.db, fresh, lastChange, last)) {
          lastChange = change.n;
          if (change.event) yield tracked(eventId(last, lastChange), change.event);
        }
        changeKnown = lastChange; // a nudge ahead of what is stored is not waited for
        continue;
      }

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
            if (!e.deleted) yield newOne(toApiMessage(e, sessionId));
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
        changeKnown = Math.max(changeKnown, fresh?.change_count ?? 0);
        continue;
      }
      if (isMessageChangeNudge(event)) {
        changeKnown = Math.max(changeKnown, event.n);
        early.clear(); // a live copy waiting for its turn may be stale now: read it stored
        continue;
      }
      const m = event as Message;
      if (m.seq <= last) continue;
      if (m.seq === last + 1 && last === known) {
        yield newOne(m);
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
