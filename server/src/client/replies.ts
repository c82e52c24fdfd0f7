// Following an assistant reply from a script: its text as it streams, and the
// final message once it ends (done, stopped, failed or interrupted).
import { applyReplyEvent, type Message, type ReplyEvent } from '@parley/shared';
import type { TRPCClient } from '@trpc/client';
import type { AppRouter } from '../routers/app';

export interface ReplyWatchOptions {
  /** Follow the first reply after this seq (default: any); events wait until a promised one is known. */
  afterSeq?: number | Promise<number>;
  /** Each piece of new text, and the reply as it stands. */
  onText?: (text: string, reply: Message) => void;
}

export interface ReplyWatch {
  /** Resolves once the stream listens: send after this, and no token is missed. */
  ready: Promise<void>;
  /** The reply once it ended; rejects if the stream fails. */
  final: Promise<Message>;
  unsubscribe(): void;
}

export function watchReply(
  api: TRPCClient<AppRouter>,
  sessionId: string,
  opts: ReplyWatchOptions = {},
): ReplyWatch {
  let reply: Message | null = null;
  let shown = 0;
  let onReady: () => void = () => {};
  let onEnd: (m: Message) => void = () => {};
  let onFail: (e: unknown) => void = () => {};
  const ready = new Promise<void>((resolve) => {
    onReady = resolve;
  });
  const final = new Promise<Message>((resolve, reject) => {
    onEnd = resolve;
    onFail = reject;
  });
  let afterSeq: number | null = typeof opts.afterSeq === 'number' ? opts.afterSeq : null;
  const early: ReplyEvent[] = [];
  const wanted = (m: { seq: number }) => m.seq > (afterSeq ?? 0);
  const take = (event: ReplyEvent) => {
    if (event.kind === 'limited') return;
    const target = event.kind === 'delta' ? event : event.message;
    if (!wanted(target) || (reply && 'id' in target && target.id !== reply.id)) return;
    if (reply && event.kind === 'delta' && event.messageId !== reply.id) return;
    reply = applyReplyEvent(reply, event);
    if (!reply) return;
    if (reply.content.length < shown) shown = 0; // regenerated: it starts again
    if (reply.content.length > shown) {
      opts.onText?.(reply.content.slice(shown), reply);
      shown = reply.content.length;
    }
    if (event.kind === 'end') {
      sub.unsubscribe();
      onEnd(reply);
    }
  };
  const sub = api.message.onReply.subscribe(
    { sessionId },
    {
      onStarted: () => onReady(),
      onData: (event: ReplyEvent) => {
        if (afterSeq === null) early.push(event);
        else take(event);
      },
      onError: (e) => onFail(e),
    },
  );
  if (opts.afterSeq instanceof Promise) {
    opts.afterSeq.then(
      (seq) => {
        afterSeq = seq;
        for (const e of early.splice(0)) take(e);
      },
      (e) => onFail(e),
    );
  }
  return { ready, final, unsubscribe: () => sub.unsubscribe() };
}

/** Sends `content` and follows the reply to it. */
export async function ask(
  api: TRPCClient<AppRouter>,
  sessionId: string,
  content: string,
  opts: Omit<ReplyWatchOptions, 'afterSeq'> = {},
): Promise<{ sent: Message; reply: Message }> {
  let sentSeq: (seq: number) => void = () => {};
  let notSent: (e: unknown) => void = () => {};
  const afterSeq = new Promise<number>((resolve, reject) => {
    sentSeq = resolve;
    notSent = reject;
  });
  const watch = watchReply(api, sessionId, { ...opts, afterSeq });
  try {
    await watch.ready;
    const sent = await api.message.send.mutate({ sessionId, content }).catch((e) => {
      notSent(e);
      throw e;
    });
    sentSeq(sent.seq);
    return { sent, reply: await watch.final };
  } finally {
    watch.unsubscribe();
  }
}
