// Opaque keyset cursors: base64url JSON, bound to what they page through, so a
// cursor from another list, session or user is refused rather than misread.
// Every field is checked (an id, a boolean, an integer within its bounds) before
// a cursor drives any loop or query: a cursor is client input like any other.
import { isIdString } from '@parley/shared';
import { TRPCError } from '@trpc/server';

const garbled = () =>
  new TRPCError({ code: 'BAD_REQUEST', message: 'That cursor is not valid for this list.' });

/** What one cursor field must hold. */
export type FieldRule =
  | { kind: 'id' }
  | { kind: 'boolean' }
  /** A string of at most 64 characters matching the pattern. */
  | { kind: 'match'; pattern: RegExp }
  /** A safe integer in [min, max]; never -0, which no encoder writes. */
  | { kind: 'int'; min: number; max: number };

type RuleFor<V> = V extends number
  ? { kind: 'int'; min: number; max: number }
  : V extends boolean
    ? { kind: 'boolean' }
    : { kind: 'id' } | { kind: 'match'; pattern: RegExp };

export type CursorRules<T> = { [K in keyof T]: RuleFor<T[K]> };

function follows(value: unknown, rule: FieldRule): boolean {
  switch (rule.kind) {
    case 'id':
      return isIdString(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'match':
      return typeof value === 'string' && value.length <= 64 && rule.pattern.test(value);
    case 'int':
      return (
        Number.isSafeInteger(value) &&
        !Object.is(value, -0) &&
        (value as number) >= rule.min &&
        (value as number) <= rule.max
      );
  }
}

export function encodeCursor<T extends object>(value: T): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/**
 * Decodes a cursor whose fields must follow `rules` and, where `bound` names
 * them, equal those values; anything else is BAD_REQUEST. Only the ruled
 * fields are returned.
 */
export function decodeCursor<T extends object>(
  cursor: string,
  rules: CursorRules<T>,
  bound: Partial<T> = {},
): T {
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw garbled();
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw garbled();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw garbled();
  const obj = parsed as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, rule] of Object.entries(rules) as [string, FieldRule][]) {
    const value = Object.hasOwn(obj, key) ? obj[key] : undefined;
    if (!follows(value, rule)) throw garbled();
    out[key] = value;
  }
  for (const [key, value] of Object.entries(bound)) {
    if (out[key] !== value) throw garbled();
  }
  return out as T;
}

/** Where `message.list` goes on: the page of messages just older than `b`. */
export interface MessageCursor {
  /** Session: the id of the session whose messages this cursor pages. */
  s: string;
  /** Before: the next page holds messages with seq below this one (a seq is 1..count). */
  b: number;
}

export const messageCursorRules: CursorRules<MessageCursor> = {
  s: { kind: 'id' },
  b: { kind: 'int', min: 1, max: Number.MAX_SAFE_INTEGER },
};

/** The cursor of the page of `sessionId`'s messages with seq below `before`. */
export const messageCursor = (sessionId: string, before: number): string =>
  encodeCursor<MessageCursor>({ s: sessionId, b: before });

/** Where `message.list` goes on towards newer messages: the page just after seq `a`. */
export interface NewerMessageCursor {
  s: string;
  /** After: the next newer page holds messages with seq above this one. */
  a: number;
}

export const newerMessageCursorRules: CursorRules<NewerMessageCursor> = {
  s: { kind: 'id' },
  a: { kind: 'int', min: 1, max: Number.MAX_SAFE_INTEGER },
};

/** The cursor of the page of `sessionId`'s messages with seq above `after`. */
export const newerMessageCursor = (sessionId: string, after: number): string =>
  encodeCursor<NewerMessageCursor>({ s: sessionId, a: after });

/** Either way of paging a session's messages, told apart by the field it holds. */
export function decodeMessageCursor(
  cursor: string,
  sessionId: string,
): MessageCursor | NewerMessageCursor {
  try {
    return decodeCursor<MessageCursor>(cursor, messageCursorRules, { s: sessionId });
  } catch {
    return decodeCursor<NewerMessageCursor>(cursor, newerMessageCursorRules, { s: sessionId });
  }
}

/** The latest time a JavaScript Date can hold, in ms since the epoch. */
const maxTimeMs = 8_640_000_000_000_000;

/** Where `session.list` goes on: the sessions after (u, v, f)'s last one seen, by (p, a, i). */
export interface SessionCursor {
  /** User: the id of the user whose list this is. */
  u: string;
  /** View: 0 active, 1 archived, 2 trash. */
  v: number;
  /** Folder: `*` any, `-` none, else the folder's id. */
  f: string;
  /** Pinned: the last session's place in the pinned part (active lists pinned ones first). */
  p: boolean;
  /** Activity: the last session's activity time, in ms since the epoch. */
  a: number;
  /** Id: the last session's id, which orders sessions of the same activity time. */
  i: string;
}

export const sessionCursorRules: CursorRules<SessionCursor> = {
  u: { kind: 'id' },
  v: { kind: 'int', min: 0, max: 2 },
  f: { kind: 'match', pattern: /^(\*|-|[0-9a-f]{24})$/ },
  p: { kind: 'boolean' },
  a: { kind: 'int', min: 0, max: maxTimeMs },
  i: { kind: 'id' },
};
