// What a person does to sessions: start one (or open the empty one), rename, delete
// (with Undo) and restore.
// Each result goes straight into the caches, so the sidebar changes at once.
import { useCallback } from 'react';
import { navigate } from '../app/route';
import { describeError } from '../trpc/errors';
import { trpc } from '../trpc/trpc';
import type { Session } from '../trpc/types';
import { useToast } from '../ui/Toasts';
import { liveListInput } from './queries';
import { emptySession } from './sessionCache';
import { useApplySession } from './useApplySession';

export function useSessionActions() {
  const utils = trpc.useUtils();
  const apply = useApplySession();
  const toast = useToast();

  const fail = useCallback(
    (what: string) => (error: unknown) =>
      toast({ text: `${what}: ${describeError(error)}`, tone: 'error' }),
    [toast],
  );

  const create = useCallback(async () => {
    // An empty chat already there is opened, so the list never fills with empty "New Chat"s.
    const empty = emptySession(utils.session.list.getInfiniteData(liveListInput));
    if (empty) {
      navigate({ view: 'chat', sessionId: empty.id });
      return empty;
    }
    try {
      const session = await utils.client.session.create.mutate({});
      apply(session);
      navigate({ view: 'chat', sessionId: session.id });
      return session;
    } catch (error) {
      fail('Could not start a chat')(error);
      return null;
    }
  }, [utils, apply, fail]);

  const rename = useCallback(
    async (session: Session, title: string) => {
      const trimmed = title.trim();
      if (!trimmed || trimmed === session.title) return;
      apply({ ...session, title: trimmed });
      try {
        apply(await utils.client.session.rename.mutate({ id: session.id, title: trimmed }));
      } catch (error) {
        apply(session);
        fail('Could not rename')(error);
      }
    },
    [utils, apply, fail],
  );

  const restore = useCallback(
    async (session: Session) => {
      try {
        apply(await utils.client.session.restore.mutate({ id: session.id }));
        toast({ text: `Restored “${session.title}”` });
      } catch (error) {
        fail('Could not restore')(error);
      }
    },
    [utils, apply, toast, fail],
  );

  /** Moves a chat to the Trash; Undo brings it back, and reopens it if it was open. */
  const remove = useCallback(
    async (session: Session, wasOpen = false) => {
      apply({ ...session, deleted: true, deletedAt: new Date() });
      try {
        const deleted = await utils.client.session.delete.mutate({ id: session.id });
        apply(deleted);
        toast({
          text: `Moved “${session.title}” to Trash`,
          action: {
            label: 'Undo',
            run: () => {
              utils.client.session.restore.mutate({ id: session.id }).then((restored) => {
                apply(restored);
                if (wasOpen) navigate({ view: 'chat', sessionId: restored.id });
              }, fail('Could not undo'));
            },
          },
        });
      } catch (error) {
        apply(session);
        fail('Could not delete')(error);
      }
    },
    [utils, apply, toast, fail],
  );

  return { create, rename, remove, restore };
}
