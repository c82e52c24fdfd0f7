// session.bulk: one action on up to 100 sessions, each on its own, so one that is
// missing or refused fails alone. Every action leaves a session that already has
// what it asks as it is, so repeating a call changes nothing more.
import type { BulkAction, SessionBulkResult } from '@parley/shared';
import type { UserDoc } from '../db/documents';
import { Refusal } from '../lib/refusal';
import type { Services } from '../services';
import { purgeSession } from './purge';
import { deleteSession, restoreSession, updateSession } from './sessions';

/** Sessions acted on at once. */
const batch = 5;

function act(
  services: Services,
  user: UserDoc,
  id: string,
  action: BulkAction,
  folderId: string | null,
): Promise<unknown> {
  switch (action) {
    case 'delete':
      return deleteSession(services, user, id);
    case 'restore':
      return restoreSession(services, user, id);
    case 'archive':
    case 'unarchive':
      return updateSession(services, user, id, { archived: action === 'archive' });
    case 'pin':
    case 'unpin':
      return updateSession(services, user, id, { pinned: action === 'pin' });
    case 'move':
      return updateSession(services, user, id, { folderId });
    case 'purge':
      return purgeSession(services, user._id, id);
  }
}

export async function bulkSessions(
  services: Services,
  user: UserDoc,
  input: { ids: string[]; action: BulkAction; folderId?: string | null | undefined },
): Promise<SessionBulkResult> {
  const results: SessionBulkResult['results'] = [];
  for (let i = 0; i < input.ids.length; i += batch) {
    const done = await Promise.all(
      input.ids.slice(i, i + batch).map(async (id) => {
        try {
          await act(services, user, id, input.action, input.folderId ?? null);
          return { id, ok: true };
        } catch (e) {
          if (e instanceof Refusal) return { id, ok: false, code: e.code };
          throw e;
        }
      }),
    );
    results.push(...done);
  }
  return { results };
}
