// A stream's live side: a bus listener feeding a bounded inbox, plus the rules every
// stream obeys while it waits for the next event: honour the abort signal, end after
// config.live.streamMaxMs, end when the inbox overflows, re-check the token (also
// at once when the user is signed out everywhere), and end cleanly once superseded
// by the user's newer streams (the per-user cap of ./streams).

import { idString } from '../db/ids';
import { Refusal } from '../lib/refusal';
import type { Services } from '../services';
import { Inbox } from './inbox';
import { LiveAuth } from './liveAuth';
import type { LiveStream } from './streams';
import type { Viewer } from './viewer';

/** What next() returns once the stream was superseded: the stream then returns (completes). */
export const superseded: unique symbol = Symbol('superseded');

/**
 * Ends the SSE response without tRPC's `return` event (tRPC treats it like its own
 * maxDurationMs), so the client's EventSource reconnects with Last-Event-ID and resumes.
 */
function endForReconnect(reason: string): DOMException {
  return new DOMException(reason, 'AbortError');
}

/** Retryable: the client reconnects and resumes from its last event id. */
export function fellBehind(): Refusal {
  return new Refusal({
    code: 'SERVICE_UNAVAILABLE',
    message: 'This live view fell behind; it resumes from its last event.',
  });
}

export class LiveFeed implements LiveStream {
  private readonly endsAt: number;
  private closed = false;
  private replaced = false;
  private unsubscribe: () => void = () => {};
  private forget: () => void = () => {};

  private constructor(
    private readonly inbox: Inbox<unknown>,
    private readonly auth: LiveAuth,
    private readonly signal: AbortSignal | undefined,
    lifetimeMs: number,
  ) {
    this.endsAt = Date.now() + lifetimeMs;
  }

  /**
   * Listens on `channel`; once this resolves, every event published there reaches the feed.
   * Counted against the caps first, so a refused stream never touches the bus.
   */
  static async open(
    services: Services,
    viewer: Viewer,
    channel: string,
    signal: AbortSignal | undefined,
  ): Promise<LiveFeed> {
    const { live } = services.config;
    const feed = new LiveFeed(
      new Inbox<unknown>(live.bufferSize),
      new LiveAuth(services, viewer, live.authRecheckMs),
      signal,
      live.streamMaxMs,
    );
    feed.forget = services.streams.add(idString(viewer.user._id), feed);
    try {
      feed.unsubscribe = await services.bus.subscribe(channel, (payload) =>
        feed.inbox.push(payload),
      );
    } catch (e) {
      feed.close();
      throw e;
    }
    return feed;
  }

  recheck(withinMs: number): void {
    this.auth.dueWithin(withinMs);
    this.inbox.nudge();
  }

  supersede(): void {
    this.replaced = true;
    this.inbox.nudge();
  }

  /**
   * The next bus event (or busResync), or null when nothing came within `maxWaitMs`.
   * Throws to end the stream: AbortError when the client left or the lifetime is up,
   * SERVICE_UNAVAILABLE (retryable) on overflow, UNAUTHORIZED when the token no longer holds.
   * Returns `superseded` once a newer stream of the user took this one's place.
   */
  async next(maxWaitMs = Number.POSITIVE_INFINITY): Promise<unknown> {
    const giveUpAt = Date.now() + maxWaitMs;
    for (;;) {
      if (this.signal?.aborted) throw endForReconnect('The client went away.');
      if (this.replaced) return superseded;
      if (Date.now() >= this.endsAt) throw endForReconnect('Stream lifetime reached.');
      if (this.inbox.overflowed) throw fellBehind();
      await this.auth.checkIfDue();
      if (this.inbox.size > 0) return this.inbox.take();
      const now = Date.now();
      if (now >= giveUpAt) return null;
      await this.inbox.wait(
        this.signal,
        Math.min(giveUpAt - now, this.endsAt - now, this.auth.msUntilDue()),
      );
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.forget();
    this.unsubscribe();
  }
}
