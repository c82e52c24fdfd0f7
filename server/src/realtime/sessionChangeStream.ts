// session.onChange: changes to the caller's own sessions, each carrying the session
// as it now is, with ids `<updatedAtMs>:<sessionId>`. folder.onChange with
// `sessions: true` runs this too, adding the folder list (kind `folders`), first and
// after each change, so one stream (one browser connection) serves both. Resuming first yields an
// `updated` event per session changed since lastEventId, then live events; a
// session's state is never sent twice, nor one older than a state already sent.
import type { Session, SessionChange, SessionStreamEvent } from '@parley/shared';
import { tracked } from '@trpc/server';
import { listFolders, readFolders } from '../chat/folders';
import { toApiSession } from '../chat/mappers';
import { indexOf, isListed, sessionOf } from '../chat/sessionIndex';
import { purgedSince } from '../chat/tombstones';
import type { SessionDoc } from '../db/documents';
import { idString, toObjectId } from '../db/ids';
import { Refusal } from '../lib/refusal';
import type { Services } from '../services';
import { busResync } from './bus';
import {
  type FolderChangeEvent,
  type SessionChangeEvent,
  sessionChangeId,
  userChannel,
} from './channels';
import { LiveFeed, superseded } from './feed';
import type { Viewer } from './viewer';

interface Position {
  at: number;
  id: string;
}

/** Sessions read at once while catching up. */
const catchUpBatch = 20;

/** How far back a resync after a lost bus connection looks, beyond the newest event sent. */
const resyncMarginMs = 5_000;

function parseChangeId(id: string | null | undefined): Position | null {
  if (id === undefined || id === null || id === '') return null;
  const m = /^(\d{1,15}):([0-9a-f]{24})$/.exec(id);
  if (!m) {
    throw new Refusal({
      code: 'BAD_REQUEST',
      message: 'lastEventId must be an id this stream sent.',
    });
  }
  return { at: Number(m[1]), id: m[2] ?? '' };
}

/** A folder list published on the user's channel (it carries no session). */
function isFolderEvent(event: unknown): event is FolderChangeEvent {
  const change = (event as { change?: { folders?: unknown } }).change;
  return Array.isArray(change?.folders);
}

function isAfter(a: Position, b: Position): boolean {
  return a.at > b.at || (a.at === b.at && a.id > b.id);
}

export async function* streamSessionChanges(
  services: Services,
  viewer: Viewer,
  input: { lastEventId?: string | null | undefined } | undefined,
  signal: AbortSignal | undefined,
  /** Also the folder list (kind `folders`), first and after each change (folder.onChange). */
  opts: { folders?: boolean } = {},
) {
  const { user } = viewer;
  const userId = idString(user._id);
  const feed = await LiveFeed.open(services, viewer, userChannel(userId), signal);
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
      // The owner's index names the sessions changed since; each is then read by _id.
      const ids = [...(await indexOf(services, user)).values()]
        .filter((e) => e.updated >= since.at)
        .map((e) => e.id);
      const docs: SessionDoc[] = [];
      for (let i = 0; i < ids.length; i += catchUpBatch) {
        const batch = ids.slice(i, i + catchUpBatch);
        const found = await Promise.all(
          batch.map((id) => services.db.sessions.findOne({ _id: toObjectId(id) })),
        );
        for (const d of found) if (d && isListed(d)) docs.push(d);
      }
      const live = docs.map(toApiSession).filter((s) => s.userId === userId);
      // Purged while away: the index keeps each one's last state for a week (chat/tombstones.ts).
      const purged = (await purgedSince(services.db, user._id, since.at)).map((e) =>
        sessionOf(e, user._id),
      );
      const gone = new Set(purged.map((s) => s.id));
      const sessions = [...live.filter((s) => !gone.has(s.id)), ...purged];
      sessions.sort(
        (a, b) => a.updatedAt.getTime() - b.updatedAt.getTime() || (a.id < b.id ? -1 : 1),
      );
      for (const session of sessions) {
        const id = sessionChangeId(session);
        const pos = parseChangeId(id);
        if (!pos || !isAfter(pos, since) || !isNews(session)) continue;
        mark(session);
        const change: SessionChange = gone.has(session.id)
          ? { kind: 'purged', session }
          : { kind: 'updated', session };
        yield tracked(id, change);
      }
    }

    /** The folder list, for a stream that asked for it: first as it is, then each change. */
    let foldersAt = -1;
    async function* folderList() {
      const { updated } = await readFolders(services, user._id);
      foldersAt = Math.max(foldersAt, updated);
      const event: SessionStreamEvent = {
        kind: 'folders',
        folders: await listFolders(services, user),
        at: new Date(updated),
      };
      yield tracked(`${updated}:${userId}`, event);
    }

    if (opts.folders) yield* folderList();
    if (from) yield* catchUp(from);
    for (;;) {
      const event = await feed.next();
      if (event === superseded) return;
      if (event === null) continue;
      if (event === busResync) {
        if (opts.folders) yield* folderList();
        yield* catchUp({ at: Math.max(0, newest - resyncMarginMs), id: '' });
        continue;
      }
      if (isFolderEvent(event)) {
        const at = event.change.at.getTime();
        if (!opts.folders || at < foldersAt) continue;
        foldersAt = at;
        const change: SessionStreamEvent = { kind: 'folders', ...event.change };
        yield tracked(event.id, change);
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
