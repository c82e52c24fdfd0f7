// What a person does to their own messages: edit in place, delete with Undo (which
// restores it), and copy. Each change shows at once (onMutate, after cancelling page
// fetches that would overwrite it), is put back if the server refuses it (onError),
// and takes the server's copy once answered (onSettled).
import { useRef } from 'react';
import { describeError } from '../trpc/errors';
import { trpc } from '../trpc/trpc';
import type { Message } from '../trpc/types';
import { useToast } from '../ui/Toasts';
import { copyText } from './clipboard';
import { flattenMessages } from './messageCache';
import { messagePageSize } from './useMessages';

interface Cache {
  add: (message: Message) => void;
  remove: (message: Message) => void;
}

export function useMessageActions(sessionId: string, { add, remove }: Cache) {
  const utils = trpc.useUtils();
  const toast = useToast();
  const list = { sessionId, limit: messagePageSize };
  /** Messages deleted here, kept for Undo. */
  const deleted = useRef(new Map<string, Message>());

  const prepare = async (id: string) => {
    await utils.message.list.cancel(list);
    return flattenMessages(utils.message.list.getInfiniteData(list)).find((m) => m.id === id);
  };
  const fail = (what: string, error: unknown) =>
    toast({ text: `${what}: ${describeError(error)}`, tone: 'error' });
  const answered = (message: Message | undefined) => {
    if (message && !deleted.current.has(message.id)) add(message);
  };

  const edit = trpc.message.edit.useMutation({
    onMutate: async ({ id, content }) => {
      const before = await prepare(id);
      if (before) add({ ...before, content, editedAt: new Date() });
      return { before };
    },
    onError: (error, _input, context) => {
      if (context?.before) add(context.before);
      fail('Could not save the edit', error);
    },
    onSettled: answered,
  });

  const restore = trpc.message.restore.useMutation({
    onMutate: async ({ id }) => {
      await prepare(id);
      const message = deleted.current.get(id);
      deleted.current.delete(id);
      if (message) add(message);
      return { message };
    },
    onError: (error, _input, context) => {
      if (context?.message) {
        deleted.current.set(context.message.id, context.message);
        remove(context.message);
      }
      fail('Could not undo', error);
    },
    onSettled: answered,
  });

  const del = trpc.message.delete.useMutation({
    onMutate: async ({ id }) => {
      const before = await prepare(id);
      if (before) {
        deleted.current.set(id, before);
        remove(before);
      }
      return { before };
    },
    onError: (error, _input, context) => {
      if (context?.before) {
        deleted.current.delete(context.before.id);
        add(context.before);
      }
      fail('Could not delete', error);
    },
    onSuccess: (_message, { id }) =>
      toast({
        text: 'Message deleted',
        action: { label: 'Undo', run: () => restore.mutate({ id }) },
      }),
  });

  return {
    save: (message: Message, content: string) => {
      if (content.trim() !== '' && content !== message.content) {
        edit.mutate({ id: message.id, content });
      }
    },
    remove: (message: Message) => del.mutate({ id: message.id }),
    copy: async (message: Message) => {
      const ok = await copyText(message.content);
      toast(ok ? { text: 'Copied' } : { text: 'Could not copy the message', tone: 'error' });
    },
  };
}
