// The outbox kept in localStorage, so unsent and failed messages survive a reload.
// Bounded by count and size; the newest are kept when it overflows.
import { readJson, writeJson } from './localStore';
import type { OutgoingMessage } from './outbox';

export const outboxMax = 100;
export const outboxCharsMax = 1_000_000;

export const outboxKey = (owner: string) => `parley.outbox.${owner}`;
const keyOf = outboxKey;

/** The clientIds a stored outbox (localStorage's raw text) holds; none for anything else. */
export function clientIdsIn(raw: string | null): Set<string> {
  try {
    const value: unknown = raw === null ? null : JSON.parse(raw);
    if (!Array.isArray(value)) return new Set();
    return new Set(
      value.flatMap((m) => (typeof m?.clientId === 'string' ? [m.clientId as string] : [])),
    );
  } catch {
    return new Set();
  }
}

function revive(value: unknown): OutgoingMessage | null {
  const m = value as Record<string, unknown> | null;
  if (
    typeof m?.clientId !== 'string' ||
    typeof m.sessionId !== 'string' ||
    typeof m.content !== 'string' ||
    typeof m.createdAt !== 'string' ||
    typeof m.afterSeq !== 'number'
  ) {
    return null;
  }
  const createdAt = new Date(m.createdAt);
  if (Number.isNaN(createdAt.getTime())) return null;
  // One that was on its way when the page went away may or may not have arrived:
  // it is sent again under its clientId, which the server stores once.
  return {
    clientId: m.clientId,
    sessionId: m.sessionId,
    content: m.content,
    createdAt,
    afterSeq: m.afterSeq,
    status: 'failed',
    error: typeof m.error === 'string' && m.status === 'failed' ? m.error : 'Not sent yet.',
    retryable: m.status === 'sending' || m.retryable === true,
  };
}

export function loadOutbox(owner: string | undefined): OutgoingMessage[] {
  if (!owner) return [];
  const value = readJson(keyOf(owner));
  if (!Array.isArray(value)) return [];
  return value
    .slice(-outboxMax)
    .map(revive)
    .filter((m) => m !== null);
}

/** Forgets every unsent message of `owner` (at sign-out). */
export function forgetOutbox(owner: string): void {
  writeJson(keyOf(owner), null);
}

/**
 * Saves this tab's outgoing messages. Another tab's that this one has never
 * held (`known`) are kept beside them, so two tabs do not erase each other's.
 */
export function saveOutbox(
  owner: string | undefined,
  messages: OutgoingMessage[],
  known: ReadonlySet<string> = new Set(messages.map((m) => m.clientId)),
): void {
  if (!owner) return;
  const others = loadOutbox(owner).filter((m) => !known.has(m.clientId));
  const all = [...others, ...messages].sort(
    (a, b) => a.createdAt.getTime() - b.createdAt.getTime(),
  );
  const kept: OutgoingMessage[] = [];
  let chars = 0;
  for (const m of all.slice(-outboxMax).reverse()) {
    chars += m.content.length;
    if (chars > outboxCharsMax) break;
    kept.unshift(m);
  }
  writeJson(keyOf(owner), kept.length > 0 ? kept : null);
}
