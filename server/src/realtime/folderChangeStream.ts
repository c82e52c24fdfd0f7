// folder.onChange: the caller's folders, all of them, first as they are now and then
// after each change, with ids `<changedAtMs>:<userId>`. Resuming with lastEventId
// skips the first list when nothing changed since; a list older than one sent is
// never sent after it.
import type { FolderChange } from '@parley/shared';
import { tracked } from '@trpc/server';
import { listFolders, readFolders } from '../chat/folders';
import { idString } from '../db/ids';
import { Refusal } from '../lib/refusal';
import type { Services } from '../services';
import { busResync } from './bus';
import { type FolderChangeEvent, folderChannel } from './channels';
import { LiveFeed, superseded } from './feed';
import type { Viewer } from './viewer';

function parseAt(id: string | null | undefined, userId: string): number | null {
  if (id === undefined || id === null || id === '') return null;
  const m = /^(\d{1,15}):([0-9a-f]{24})$/.exec(id);
  if (!m || m[2] !== userId) {
    throw new Refusal({
      code: 'BAD_REQUEST',
      message: 'lastEventId must be an id this stream sent.',
    });
  }
  return Number(m[1]);
}

export async function* streamFolderChanges(
  services: Services,
  viewer: Viewer,
  input: { lastEventId?: string | null | undefined } | undefined,
  signal: AbortSignal | undefined,
) {
  const { user } = viewer;
  const userId = idString(user._id);
  const feed = await LiveFeed.open(services, viewer, folderChannel(userId), signal);
  try {
    let newest = parseAt(input?.lastEventId, userId) ?? -1;
    /** The folders as they are now, unless what was sent is as new. */
    async function* current() {
      const { updated } = await readFolders(services, user._id);
      if (updated <= newest && newest >= 0) return;
      newest = Math.max(newest, updated);
      const change: FolderChange = {
        folders: await listFolders(services, user),
        at: new Date(updated),
      };
      yield tracked(`${updated}:${userId}`, change);
    }
    yield* current();
    for (;;) {
      const event = await feed.next();
      if (event === superseded) return;
      if (event === null) continue;
      if (event === busResync) {
        yield* current();
        continue;
      }
      const { id, change } = event as FolderChangeEvent;
      const at = change.at.getTime();
      if (at < newest) continue;
      newest = at;
      yield tracked(id, change);
    }
  } finally {
    feed.close();
  }
}
