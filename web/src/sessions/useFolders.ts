// The user's folders: listed once and kept live by folder.onChange (see
// useSessionChanges); create, rename and delete show at once and roll back on error.
// Deleting offers Undo: the folder made again under its name, its chats moved back.
import { useMutation } from '@tanstack/react-query';
import { describeError } from '../trpc/errors';
import { trpc } from '../trpc/trpc';
import type { RouterOutputs } from '../trpc/types';
import { useToast } from '../ui/Toasts';

export type Folder = RouterOutputs['folder']['list']['items'][number];

export function useFolderList() {
  return trpc.folder.list.useQuery(undefined, { staleTime: 60_000 });
}

export function useFolderActions() {
  const utils = trpc.useUtils();
  const toast = useToast();
  const fail = (what: string) => (error: unknown) =>
    toast({ text: `${what}: ${describeError(error)}`, tone: 'error' });
  const hold = async (change: (items: Folder[]) => Folder[]) => {
    await utils.folder.list.cancel();
    const before = utils.folder.list.getData();
    utils.folder.list.setData(undefined, (d) => (d ? { items: change(d.items) } : d));
    return { before };
  };
  const settle = () => void utils.folder.list.invalidate();
  const putBack = (context: { before: { items: Folder[] } | undefined } | undefined) =>
    utils.folder.list.setData(undefined, context?.before);

  const createCall = trpc.folder.create.useMutation();
  const create = useMutation({
    mutationFn: (name: string) => createCall.mutateAsync({ name }),
    onError: fail('Could not create the folder'),
    onSuccess: (folder) =>
      utils.folder.list.setData(undefined, (d) =>
        d && !d.items.some((f) => f.id === folder.id)
          ? { items: [...d.items, folder].sort((a, b) => a.name.localeCompare(b.name)) }
          : d,
      ),
    onSettled: settle,
  });

  const renameCall = trpc.folder.rename.useMutation();
  const rename = useMutation({
    mutationFn: (v: { id: string; name: string }) => renameCall.mutateAsync(v),
    onMutate: (v) =>
      hold((items) => items.map((f) => (f.id === v.id ? { ...f, name: v.name.trim() } : f))),
    onError: (error, _v, context) => {
      putBack(context);
      fail('Could not rename the folder')(error);
    },
    onSettled: settle,
  });

  const bulkCall = trpc.session.bulk.useMutation();
  const bringBack = useMutation({
    mutationFn: async (v: { name: string; moved: string[] }) => {
      const folder = await createCall.mutateAsync({ name: v.name });
      // session.bulk takes up to 100 ids a call.
      for (let i = 0; i < v.moved.length; i += 100) {
        const ids = v.moved.slice(i, i + 100);
        await bulkCall.mutateAsync({ ids, action: 'move', folderId: folder.id });
      }
      return folder;
    },
    onError: fail('Could not undo'),
    onSuccess: (folder) => toast({ text: `Brought back the folder “${folder.name}”` }),
    onSettled: () => {
      settle();
      void utils.session.list.invalidate();
    },
  });

  const removeCall = trpc.folder.delete.useMutation();
  const remove = useMutation({
    mutationFn: (folder: Folder) => removeCall.mutateAsync({ id: folder.id }),
    onMutate: (folder) => hold((items) => items.filter((f) => f.id !== folder.id)),
    onError: (error, _v, context) => {
      putBack(context);
      fail('Could not delete the folder')(error);
    },
    onSuccess: (r, folder) => {
      toast({
        text: `Deleted the folder “${folder.name}”; its chats are kept`,
        action: {
          label: 'Undo',
          run: () => bringBack.mutate({ name: folder.name, moved: r.moved }),
        },
      });
      void utils.session.list.invalidate();
    },
    onSettled: settle,
  });

  return { create, rename, remove };
}
