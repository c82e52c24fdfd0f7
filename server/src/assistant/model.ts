// Talking to the model: one streamed Chat Completions call through the official
// `openai` client, with an idle timer, and every way it can fail told in words a
// person can act on (each one is retryable with regenerate).
import OpenAI from 'openai';
import type { AssistantConfig } from '../config/env';

export interface ContextMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Why a reply ended early, when Parley ended it rather than the model. */
export type EndReason = 'stopped' | 'superseded' | 'interrupted' | 'idle' | 'too long';

export class ReplyEnded extends Error {
  constructor(readonly reason: EndReason) {
    super(reason);
  }
}

export class ModelClient {
  private readonly client: OpenAI;

  constructor(private readonly config: AssistantConfig) {
    this.client = new OpenAI({
      baseURL: config.baseUrl,
      // Local servers (Ollama, llama.cpp) want none, but the client insists on one.
      apiKey: config.apiKey ?? 'none',
      // A failure is shown on the reply and retried by the person: no silent retries.
      maxRetries: 0,
      // The idle timer below bounds a stalled stream; this only bounds a whole reply.
      timeout: 30 * 60_000,
    });
  }

  get model(): string {
    return this.config.model;
  }

  /**
   * Streams the reply to `messages`, handing each piece of text to `onText`. Resolves when
   * the model finished; throws ReplyEnded when `signal` (or the idle timer) ended it,
   * or the client's error otherwise.
   */
  async stream(
    messages: ContextMessage[],
    signal: AbortSignal,
    onText: (text: string) => void,
  ): Promise<void> {
    const local = new AbortController();
    const end = () => local.abort(signal.reason);
    signal.addEventListener('abort', end, { once: true });
    // Stopped before the call (while waiting for its context): no 'abort' event comes now.
    if (signal.aborted) end();
    let idle: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(idle);
      idle = setTimeout(() => local.abort(new ReplyEnded('idle')), this.config.idleTimeoutMs);
    };
    const ended = () => {
      const r = local.signal.reason;
      return r instanceof ReplyEnded ? r : new ReplyEnded('stopped');
    };
    try {
      arm();
      const stream = await this.client.chat.completions.create(
        { model: this.config.model, messages, stream: true },
        { signal: local.signal },
      );
      let finished = false;
      try {
        for await (const chunk of stream) {
          arm();
          const choice = chunk.choices[0];
          const text = choice?.delta?.content;
          if (text) onText(text);
          if (choice?.finish_reason) finished = true;
        }
      } catch (e) {
        // A connection dropped mid-answer surfaces as fetch's own error, not an APIError.
        if (e instanceof OpenAI.APIError || local.signal.aborted) throw e;
        throw new CutOff();
      }
      // The client returns quietly from an aborted stream.
      if (local.signal.aborted) throw ended();
      if (!finished) throw new CutOff();
    } catch (e) {
      if (local.signal.aborted && !(e instanceof ReplyEnded)) throw ended();
      throw e;
    } finally {
      clearTimeout(idle);
      signal.removeEventListener('abort', end);
    }
  }
}

/** The model's stream closed before it said it was finished. */
export class CutOff extends Error {}

const short = (s: string) => (s.length > 200 ? `${s.slice(0, 200)}…` : s);

/** What a person reads on a failed reply. */
export function describeFailure(e: unknown, config: AssistantConfig): string {
  const host = new URL(config.baseUrl).host;
  if (e instanceof ReplyEnded && e.reason === 'idle') {
    const ms = config.idleTimeoutMs;
    return `The model sent nothing for ${ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`}.`;
  }
  if (e instanceof CutOff) return 'The model stopped answering before it finished.';
  if (e instanceof OpenAI.APIConnectionError) return `Could not reach the model at ${host}.`;
  if (e instanceof OpenAI.RateLimitError) {
    return 'The model is receiving too many requests (429). Try again in a moment.';
  }
  if (e instanceof OpenAI.APIError && e.status) {
    return `The model answered with an error (HTTP ${e.status}).`;
  }
  return `The reply failed: ${short(e instanceof Error ? e.message : String(e))}`;
}
