// One reply, from a free slot to its saved end: the model's text streamed to the
// chat's viewers as it comes, saved every `saveEveryMs`, and ended as done,
// stopped, failed or interrupted (endings.ts). An empty reply a newer message
// overtook is removed from the chat.
import type { Message, ReplyStatus } from '@parley/shared';
import { deleteMessage } from '../chat/messageEdits';
import type { AssistantConfig } from '../config/env';
import type { UserDoc } from '../db/documents';
import { idString } from '../db/ids';
import { log } from '../log';
import type { Services } from '../services';
import { publishReplyEvent } from './channels';
import { contextFor } from './context';
import { apiReply, type StoredReply, saveReply, unregister } from './drafts';
import { howItEnded } from './endings';
import type { ReplySlots } from './limits';
import { type EndReason, type ModelClient, ReplyEnded } from './model';

/** A reply longer than this is ended (kept, marked stopped): bounds a bucket and a page. */
export const maxReplyChars = 128_000;

export interface ReplyDeps {
  services: Services;
  config: AssistantConfig;
  slots: ReplySlots;
  model: ModelClient;
}

export interface Running {
  reply: StoredReply;
  startedAt: number;
  content: string;
  abort: AbortController;
  finished: Promise<Message | null>;
}

/**
 * Starts streaming `stored`; `finished` settles once its end is saved, just
 * after `done` is called.
 */
export function runReply(
  deps: ReplyDeps,
  stored: StoredReply,
  user: UserDoc,
  done: () => void,
): Running {
  const sessionId = idString(stored.session_id);
  const abort = new AbortController();
  let settle: (m: Message | null) => void = () => {};
  const r: Running = {
    reply: stored,
    startedAt: Date.now(),
    content: '',
    abort,
    finished: new Promise((resolve) => {
      settle = resolve;
    }),
  };
  let saving: Promise<unknown> = Promise.resolve();
  let saveTimer: NodeJS.Timeout | undefined;
  let ended = false;
  const saveDraft = () => {
    saveTimer = undefined;
    if (ended) return;
    const content = r.content;
    saving = saving
      .then(async () => {
        if (ended) return;
        r.reply = await saveReply(deps.services, r.reply, { content, status: 'streaming' });
        await publishReplyEvent(deps.services, sessionId, {
          kind: 'draft',
          message: { ...apiReply(r.reply), content: r.content },
        });
      })
      .catch((e) => log.warn('reply draft not saved', { session: sessionId, error: String(e) }));
  };
  const onText = (text: string) => {
    const offset = r.content.length;
    r.content += text;
    void publishReplyEvent(deps.services, sessionId, {
      kind: 'delta',
      messageId: idString(stored._id),
      seq: stored.seq,
      offset,
      text,
    });
    if (r.content.length >= maxReplyChars) abort.abort(new ReplyEnded('too long'));
    saveTimer ??= setTimeout(saveDraft, deps.config.saveEveryMs);
  };

  void (async () => {
    let status: ReplyStatus = 'done';
    /** Why Parley ended it, as it ended: a stop that comes after the end is not. */
    let endedBy: EndReason | null = null;
    let error: string | null = null;
    let release = () => {};
    try {
      release = await deps.slots.acquire(abort.signal);
      const session = await deps.services.db.sessions.findOne({ _id: stored.session_id });
      // Trashed meanwhile (before this reply was running, so its stop found nothing).
      if (!session || session.deleted) {
        abort.abort(new ReplyEnded('stopped'));
        throw abort.signal.reason;
      }
      const context = await contextFor(deps.services, deps.config, session, stored.seq);
      await deps.model.stream(context, abort.signal, onText);
    } catch (e) {
      ({ status, error } = howItEnded(e, abort.signal, deps.config));
      if (abort.signal.aborted) endedBy = (abort.signal.reason as ReplyEnded).reason;
    } finally {
      release();
    }
    ended = true;
    clearTimeout(saveTimer);
    await saving;
    let final: Message | null = null;
    try {
      r.reply = await saveReply(deps.services, r.reply, { content: r.content, status, error });
      final = apiReply(r.reply);
      await unregister(deps.services, stored._id);
    } catch (e) {
      // Left listed: the next start marks it interrupted.
      log.warn('reply end not saved', { session: sessionId, error: String(e) });
    }
    if (final) await publishReplyEvent(deps.services, sessionId, { kind: 'end', message: final });
    // Overtaken by a newer message before a word came: nothing to keep in the chat.
    // (A regenerated reply keeps its earlier texts, so it stays.)
    if (final && endedBy === 'superseded' && r.content === '' && !stored.previous?.length) {
      await deleteMessage(deps.services, user, final.id).catch((e) =>
        log.warn('empty reply not removed', { session: sessionId, error: String(e) }),
      );
    }
    done();
    settle(final);
  })();
  return r;
}
