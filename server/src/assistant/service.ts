// The assistant: one reply per user message in sessions where it is on, streamed
// token by token to every open view and saved as it grows. One reply per session
// runs at a time: a newer user message stops the running one (it answers the
// newer question instead). Replies wait for a free slot (ReplySlots), and each
// user may start only so many a minute (ReplyRate).
import type { AssistantState, Message } from '@parley/shared';
import type { ObjectId } from 'mongodb';
import { fullChatText, roomLeft } from '../chat/fullChats';
import { loadOwnedSession } from '../chat/sessions';
import type { AssistantConfig } from '../config/env';
import type { SessionDoc, UserDoc } from '../db/documents';
import { idString } from '../db/ids';
import { Refusal } from '../lib/refusal';
import { log } from '../log';
import type { Services } from '../services';
import { publishReplyEvent, stopChannel } from './channels';
import { apiReply, createDraft, redraft, type StoredReply } from './drafts';
import { ReplyRate, ReplySlots } from './limits';
import { ModelClient, ReplyEnded } from './model';
import { type ReplyDeps, type Running, runReply } from './replyRun';

export class Assistant {
  private readonly running = new Map<string, Running>();
  /** The newest user message of each session whose reply has yet to start, by session. */
  private readonly newest = new Map<string, number>();
  private readonly rate: ReplyRate;
  private readonly replies: ReplyDeps;
  private closed = false;
  private unfollow: () => void = () => {};

  constructor(
    private readonly services: Services,
    private readonly config: AssistantConfig,
  ) {
    this.rate = new ReplyRate(config.repliesPerMinute);
    this.replies = {
      services,
      config,
      slots: new ReplySlots(config.maxConcurrent, config.queue),
      model: new ModelClient(config),
    };
  }

  /** Listens for stop requests from every process. */
  async follow(): Promise<void> {
    this.unfollow = await this.services.bus.subscribe(stopChannel, (payload) => {
      const { sessionId, before, superseded } = (payload ?? {}) as {
        sessionId?: unknown;
        before?: unknown;
        superseded?: unknown;
      };
      if (typeof sessionId !== 'string' || typeof before !== 'number') return;
      // Only replies begun before the request: a reply it caused here must not stop itself.
      const r = this.running.get(sessionId);
      if (r && r.startedAt < before) this.abort(sessionId, superseded ? 'superseded' : 'stopped');
    });
  }

  /** Replies streaming or waiting for a slot in this process. */
  get activeReplies(): number {
    return this.running.size;
  }

  /** Called once a user message is stored and published; never throws, never waits. */
  onUserMessage(user: UserDoc, session: SessionDoc, message: Message): void {
    if (this.closed || message.role !== 'user' || session.assistant === false) return;
    const sessionId = message.sessionId;
    this.stopEverywhere(sessionId, 'superseded');
    if (roomLeft(this.services, session) === 0) {
      this.limited(
        message,
        `No reply: ${fullChatText(this.services.config.messagesPerSession, 'this')}`,
      );
      return;
    }
    this.newest.set(sessionId, Math.max(this.newest.get(sessionId) ?? 0, message.seq));
    this.start(user, session._id, false, message).catch((e) =>
      log.warn('reply not started', { session: sessionId, error: String(e) }),
    );
  }

  /** Tells the message's viewers why it gets no reply. */
  private limited(message: Message, why: string): void {
    void publishReplyEvent(this.services, message.sessionId, {
      kind: 'limited',
      messageId: message.id,
      message: why,
    });
  }

  /** Stops the session's running reply, keeping what arrived; the stopped reply, or null if none ran here. */
  async stop(user: UserDoc, sessionId: string): Promise<Message | null> {
    await loadOwnedSession(this.services, user._id, sessionId);
    const local = this.running.get(sessionId);
    this.stopEverywhere(sessionId);
    return local ? local.finished : null;
  }

  /** Stops the session's reply, wherever it runs: its chat went to the trash or was purged. */
  stopReplyIn(sessionId: string): void {
    this.stopEverywhere(sessionId);
  }

  /** Stops the session's reply here at once, and in whichever other process runs it. */
  private stopEverywhere(sessionId: string, reason: 'stopped' | 'superseded' = 'stopped'): void {
    this.abort(sessionId, reason);
    const superseded = reason === 'superseded';
    const stop = { sessionId, before: Date.now(), ...(superseded ? { superseded } : {}) };
    this.services.bus.publish(stopChannel, stop).catch(() => {
      // Other processes cannot hear it; this one has stopped its own.
    });
  }

  /**
   * Writes the session's last reply again: in place when the newest message is a reply
   * (its text moves to `previous`), else a new reply to the newest user message.
   */
  async regenerate(user: UserDoc, sessionId: string): Promise<Message> {
    const session = await loadOwnedSession(this.services, user._id, sessionId);
    if (session.deleted) {
      throw new Refusal({
        code: 'PRECONDITION_FAILED',
        message: 'This session is in the trash.',
      });
    }
    if (!this.rate.take(idString(user._id))) {
      throw new Refusal({
        code: 'TOO_MANY_REQUESTS',
        message: `At most ${this.config.repliesPerMinute} replies a minute. Try again shortly.`,
      });
    }
    this.stopEverywhere(sessionId);
    const started = await this.start(user, session._id, true);
    if (!started) {
      throw new Refusal({
        code: 'PRECONDITION_FAILED',
        message: 'There is nothing to answer yet.',
      });
    }
    return started;
  }

  state(session: SessionDoc): AssistantState {
    return { available: true, on: session.assistant !== false, model: this.config.model };
  }

  /** The reply streaming in this process for the session, with all its text so far. */
  draftOf(sessionId: string): Message | null {
    const r = this.running.get(sessionId);
    return r ? { ...apiReply(r.reply), content: r.content, status: 'streaming' } : null;
  }

  /** Ends every running reply as interrupted (saved as such) before Parley stops. */
  async close(): Promise<void> {
    this.closed = true;
    this.unfollow();
    const all = [...this.running.values()];
    for (const r of all) r.abort.abort(new ReplyEnded('interrupted'));
    await Promise.all(all.map((r) => r.finished));
  }

  /**
   * A draft another process may still be writing (it saves at least every idle timeout).
   * One older than that was left by a process that died; its next start marks it.
   */
  private beingWritten(draft: StoredReply): boolean {
    const quiet = Date.now() - draft.updated_at.getTime();
    return quiet < this.config.idleTimeoutMs + 2 * this.config.saveEveryMs;
  }

  private abort(sessionId: string, reason: 'stopped' | 'superseded' | 'interrupted'): void {
    const r = this.running.get(sessionId);
    if (r && !r.abort.signal.aborted) r.abort.abort(new ReplyEnded(reason));
  }

  /**
   * Starts a reply to the session's newest message (`again`: a regenerate; `to`: the
   * user message it answers). A start for a user message that a newer one has
   * overtaken while it waited makes no reply, and spends none of the user's rate.
   */
  private start(
    user: UserDoc,
    sessionId: ObjectId,
    again: boolean,
    to?: Message,
  ): Promise<Message | null> {
    const key = idString(sessionId);
    return this.services.locks.run(`reply:${key}`, async () => {
      if (to) {
        if (this.newest.get(key) !== to.seq) return null;
        this.newest.delete(key);
        // Counted here, so a burst answered by one reply spends one.
        if (!this.rate.take(idString(user._id))) {
          this.limited(
            to,
            `No reply: at most ${this.config.repliesPerMinute} replies a minute. Regenerate in a minute to ask again.`,
          );
          return null;
        }
      }
      const earlier = this.running.get(key);
      if (earlier) {
        earlier.abort.abort(new ReplyEnded('stopped'));
        await earlier.finished;
      }
      if (this.closed) return null;
      const reply = again
        ? await redraft(this.services, user, sessionId, this.config.model, (d) =>
            this.beingWritten(d),
          )
        : (await createDraft(this.services, user, sessionId, this.config.model))?.reply;
      if (!reply) return null;
      const message = apiReply(reply);
      void publishReplyEvent(this.services, key, { kind: 'draft', message });
      this.run(reply, user);
      return message;
    });
  }

  /** Streams one reply to its end (replyRun.ts), held in `running` until it has ended. */
  private run(stored: StoredReply, user: UserDoc): void {
    const sessionId = idString(stored.session_id);
    const r = runReply(this.replies, stored, user, () => {
      if (this.running.get(sessionId) === r) this.running.delete(sessionId);
    });
    this.running.set(sessionId, r);
  }
}
