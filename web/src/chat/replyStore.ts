// Replies as they stream, outside React's state: each token changes one entry and
// wakes only the bubble showing it, at most once per frame, so the list never re-renders for a token.
import { applyReplyEvent, type ReplyEvent } from '@parley/shared';
import type { Message } from '../trpc/types';

type Listener = () => void;

export class ReplyStore {
  private readonly replies = new Map<string, Message>();
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly dirty = new Set<string>();
  private frame: number | null = null;

  /** Folds one event in; returns the reply it touched, as it now stands. */
  apply(event: ReplyEvent): Message | null {
    if (event.kind === 'limited') return null;
    const id = event.kind === 'delta' ? event.messageId : event.message.id;
    const before = this.replies.get(id) ?? null;
    const after = applyReplyEvent(before, event);
    if (after && after !== before) {
      this.replies.set(id, after);
      this.changed(id);
    }
    return after;
  }

  get(id: string): Message | undefined {
    return this.replies.get(id);
  }

  subscribe(id: string, listener: Listener): () => void {
    let set = this.listeners.get(id);
    if (!set) {
      set = new Set();
      this.listeners.set(id, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(id);
    };
  }

  private changed(id: string): void {
    this.dirty.add(id);
    if (this.frame !== null) return;
    const flush = () => {
      this.frame = null;
      const ids = [...this.dirty];
      this.dirty.clear();
      for (const i of ids) for (const l of this.listeners.get(i) ?? []) l();
    };
    this.frame =
      typeof requestAnimationFrame === 'function'
        ? requestAnimationFrame(flush)
        : (setTimeout(flush, 16) as unknown as number);
  }
}
