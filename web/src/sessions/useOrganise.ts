// Organising chats: pin, archive, move, bulk actions, deleting for good and the
// folders. Each is a useMutation whose onMutate cancels in-flight fetches of the
// lists, shows the change at once and keeps what the caches held, so an error
// puts it back; the server's answer is then placed like any other change.
import type { BulkAction } from '@parley/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { describeError } from '../trpc/errors';
import { trpc } from '../trpc/trpc';
import type { Session } from '../trpc/types';
import { useToast } from '../ui/Toasts';
import { bulkNotice, chats } from './bulkNotice';
import { sessionListKey, useApplySession } from './useApplySession';

type Snapshot = Array<[readonly unknown[], unknown]>;

/** What a bulk action makes of one session, for showing it before the server answers. */
function afterAction(s: Session, action: BulkAction, folderId: string | null): Session {
  const now = new Date();
  switch (action) {
    case 'delete':
      return s.deleted ? s : { ...s, deleted: true, deletedAt: now };
    case 'restore':
      return { ...s, deleted: false, deletedAt: null };
    case 'archive':
    case 'unarchive':
      return { ...s, archived: action === 'archive' };
    case 'pin':
    case 'unpin':
      return { ...s, pinned: action === 'pin' };
    case 'move':
      return { ...s, folderId };
    case 'purge':
      return s;
  }
}

const undoOf: Partial<Record<BulkAction, BulkAction>> = {
  delete: 'restore',
  archive: 'unarchive',
  move: 'move',
};

export interface BulkVars {
  sessions: Session[];
  action: BulkAction;
  folderId?: string | null;
  /** Undoing an earlier action: no Undo of its own. */
  undo?: boolean;
}

export function useOrganise() {
  const utils = trpc.useUtils();
  const queryClient = useQueryClient();
  const apply = useApplySession();
  const toast = useToast();

  /** Stops list fetches that would overwrite the optimistic state, and keeps the caches' contents. */
  const hold = useCallback(async (): Promise<Snapshot> => {
    await queryClient.cancelQueries({ queryKey: sessionListKey() });
    return queryClient.getQueriesData({ queryKey: sessionListKey() });
  }, [queryClient]);
  const rollback = useCallback(
    (snapshot: Snapshot | undefined) => {
      for (const [key, data] of snapshot ?? []) queryClient.setQueryData(key, data);
    },
    [queryClient],
  );
  const fail = useCallback(
    (what: string, error: unknown) =>
      toast({ text: `${what}: ${describeError(error)}`, tone: 'error' }),
    [toast],
  );

  const bulkCall = trpc.session.bulk.useMutation();
  const bulk = useMutation({
    mutationFn: async (vars: BulkVars) => {
      const results = [];
      // session.bulk takes up to 100 ids a call.
      for (let i = 0; i < vars.sessions.length; i += 100) {
        const ids = vars.sessions.slice(i, i + 100).map((s) => s.id);
        const r = await bulkCall.mutateAsync({
          ids,
          action: vars.action,
          ...(vars.action === 'move' ? { folderId: vars.folderId ?? null } : {}),
        });
        results.push(...r.results);
      }
      return results;
    },
    onMutate: async (vars) => {
      const snapshot = await hold();
      for (const s of vars.sessions) {
        if (vars.action === 'purge') apply(s, true);
        else apply(afterAction(s, vars.action, vars.folderId ?? null));
      }
      return { snapshot };
    },
    onError: (error, _vars, context) => {
      rollback(context?.snapshot);
      fail('Could not change the chats', error);
    },
    onSuccess: (results, vars) => {
      const failed = results.filter((r) => !r.ok).length;
      if (failed) void utils.session.list.invalidate();
      const done = results.length - failed;
      const inverse = undoOf[vars.action];
      const folder =
        vars.action === 'move' && vars.folderId
          ? utils.folder.list.getData()?.items.find((f) => f.id === vars.folderId)?.name
          : vars.action === 'move'
            ? null
            : undefined;
      toast({
        text: bulkNotice(vars.action, done, failed, folder),
        ...(inverse && !vars.undo && done
          ? {
              action: {
                label: 'Undo',
                run: () => {
                  // Back to each chat's own folder (or none) for a move.
                  const byFolder = new Map<string | null, Session[]>();
                  for (const s of vars.sessions)
                    byFolder.set(s.folderId, [...(byFolder.get(s.folderId) ?? []), s]);
                  for (const [folderId, sessions] of byFolder) {
                    bulk.mutate({ sessions, action: inverse, folderId, undo: true });
                  }
                },
              },
            }
          : {}),
      });
    },
  });

  const updateCall = trpc.session.update.useMutation();
  const update = useMutation({
    mutationFn: (vars: {
      session: Session;
      change: Partial<Pick<Session, 'pinned' | 'archived' | 'folderId'>>;
    }) => updateCall.mutateAsync({ id: vars.session.id, ...vars.change }),
    onMutate: async (vars) => {
      const snapshot = await hold();
      apply({ ...vars.session, ...vars.change });
      return { snapshot };
    },
    onError: (error, _vars, context) => {
      rollback(context?.snapshot);
      fail('Could not change the chat', error);
    },
    onSuccess: (session) => apply(session),
  });

  const purgeCall = trpc.session.purge.useMutation();
  const purge = useMutation({
    mutationFn: (session: Session) => purgeCall.mutateAsync({ id: session.id }),
    onMutate: async (session) => {
      const snapshot = await hold();
      apply(session, true);
      return { snapshot };
    },
    onError: (error, _s, context) => {
      rollback(context?.snapshot);
      fail('Could not delete for good', error);
    },
    onSuccess: (_r, session) => toast({ text: `Deleted “${session.title}” for good` }),
  });

  const emptyCall = trpc.session.emptyTrash.useMutation();
  const emptyTrash = useMutation({
    mutationFn: (_trashed: Session[]) => emptyCall.mutateAsync(),
    onMutate: async (trashed: Session[]) => {
      const snapshot = await hold();
      for (const s of trashed) apply(s, true);
      return { snapshot };
    },
    onError: (error, _v, context) => {
      rollback(context?.snapshot);
      fail('Could not empty the Trash', error);
    },
    onSuccess: (r) => toast({ text: `Deleted ${chats(r.purged)} for good` }),
    onSettled: () => utils.session.list.invalidate(),
  });

  return { bulk, update, purge, emptyTrash };
}
