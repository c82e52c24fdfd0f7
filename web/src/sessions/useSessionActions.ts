// What a person does to sessions: start one (or open the empty one), rename, delete
// (with Undo) and restore.
// Each is a useMutation: onMutate cancels in-flight list fetches (which would
// overwrite it), shows the change at once and keeps what the lists held; an error
// puts that back. The server's answer is then placed like any other change.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { navigate } from '../app/route';
import { describeError } from '../trpc/errors';
import { trpc } from '../trpc/trpc';
import type { Session } from '../trpc/types';
import { useToast } from '../ui/Toasts';
import { liveListInput } from './queries';
import { emptySession } from './sessionCache';
import { sessionListKey, useApplySession } from './useApplySession';

type Snapshot = Array<[readonly unknown[], unknown]>;

export function useSessionActions() {
  const utils = trpc.useUtils();
  const queryClient = useQueryClient();
  const apply = useApplySession();
  const toast = useToast();

  const fail = useCallback(
    (what: string) => (error: unknown) =>
      toast({ text: `${what}: ${describeError(error)}`, tone: 'error' }),
    [toast],
  );
  /** Applies `optimistic` once list fetches are stopped; answers what the lists held. */
  const hold = async (
    optimistic: Session,
    was: Session,
  ): Promise<{ snapshot: Snapshot; was: Session }> => {
    await queryClient.cancelQueries({ queryKey: sessionListKey() });
    const snapshot = queryClient.getQueriesData({ queryKey: sessionListKey() });
    apply(optimistic);
    return { snapshot, was };
  };
  const rollback = (context: { snapshot: Snapshot; was: Session } | undefined) => {
    for (const [key, data] of context?.snapshot ?? []) queryClient.setQueryData(key, data);
    if (context) utils.session.get.setData({ id: context.was.id }, context.was);
  };

  const createCall = trpc.session.create.useMutation();
  const createMutation = useMutation({
    mutationFn: () => createCall.mutateAsync({}),
    onSuccess: (session) => {
      apply(session);
      navigate({ view: 'chat', sessionId: session.id });
    },
    onError: fail('Could not start a chat'),
  });

  /** A change shown at once (`show` gives it and what was there) and put back if refused. */
  const optimistic = <V>(
    what: string,
    mutationFn: (v: V) => Promise<Session>,
    show: (v: V) => [optimistic: Session, was: Session],
  ) => ({
    mutationFn,
    onMutate: (v: V) => hold(...show(v)),
    onError: (error: unknown, _v: V, context: { snapshot: Snapshot; was: Session } | undefined) => {
      rollback(context);
      fail(what)(error);
    },
    onSuccess: (session: Session) => apply(session),
  });

  const renameCall = trpc.session.rename.useMutation();
  const renameMutation = useMutation(
    optimistic(
      'Could not rename',
      (v: { session: Session; title: string }) =>
        renameCall.mutateAsync({ id: v.session.id, title: v.title }),
      (v) => [{ ...v.session, title: v.title }, v.session],
    ),
  );

  const restoreCall = trpc.session.restore.useMutation();
  const restoreMutation = useMutation(
    optimistic(
      'Could not restore',
      (session: Session) => restoreCall.mutateAsync({ id: session.id }),
      (session) => [{ ...session, deleted: false, deletedAt: null }, session],
    ),
  );

  const deleteCall = trpc.session.delete.useMutation();
  const deleteMutation = useMutation({
    ...optimistic(
      'Could not delete',
      (v: { session: Session; wasOpen: boolean }) => deleteCall.mutateAsync({ id: v.session.id }),
      (v) => [{ ...v.session, deleted: true, deletedAt: new Date() }, v.session],
    ),
    onSuccess: (deleted, v) => {
      apply(deleted);
      toast({
        text: `Moved “${v.session.title}” to Trash`,
        action: {
          label: 'Undo',
          run: () => {
            restoreMutation.mutateAsync(deleted).then(
              (restored) => {
                if (v.wasOpen) navigate({ view: 'chat', sessionId: restored.id });
              },
              () => {},
            );
          },
        },
      });
    },
  });

  const create = useCallback(async () => {
    // An empty chat already there is opened, so the list never fills with empty "New Chat"s.
    const empty = emptySession(utils.session.list.getInfiniteData(liveListInput));
    if (empty) {
      navigate({ view: 'chat', sessionId: empty.id });
      return empty;
    }
    return createMutation.mutateAsync().catch(() => null);
  }, [createMutation.mutateAsync, utils]);
  const rename = useCallback(
    async (session: Session, title: string) => {
      const trimmed = title.trim();
      if (!trimmed || trimmed === session.title) return;
      await renameMutation.mutateAsync({ session, title: trimmed }).catch(() => {});
    },
    [renameMutation.mutateAsync],
  );
  const restore = useCallback(
    async (session: Session) => {
      const restored = await restoreMutation.mutateAsync(session).catch(() => null);
      if (restored) toast({ text: `Restored “${session.title}”` });
    },
    [restoreMutation.mutateAsync, toast],
  );
  /** Moves a chat to the Trash; Undo brings it back, and reopens it if it was open. */
  const remove = useCallback(
    async (session: Session, wasOpen = false) => {
      await deleteMutation.mutateAsync({ session, wasOpen }).catch(() => {});
    },
    [deleteMutation.mutateAsync],
  );

  return { create, rename, remove, restore };
}
