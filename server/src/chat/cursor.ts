// Opaque keyset cursors: base64url JSON, bound to what they page through, so a
// cursor from another list, session or user is refused rather than misread.
// Every field is checked (an id, a boolean, an integer within its bounds) before
// a cursor drives any loop or query: a cursor is client input like any other.
import { isIdString } from '@parley/shared';
import { Refusal } from '../lib/refusal';

const garbled = () =>
  new Refusal({ code: 'BAD_REQUEST', message: 'That cursor is not valid for this list.' });

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

/**
 * The field of a message cursor that holds its seq, by the way it pages: `b` (before),
 * the next older page holds seqs below it; `a` (after), the next newer one seqs above it.
 */
const seqFields = { older: 'b', newer: 'a' } as const;

export type MessageDirection = keyof typeof seqFields;

/** Where `message.list` goes on: the page of messages next to `seq` (1..count), going `direction`. */
export interface MessageCursor {
  direction: MessageDirection;
  seq: number;
}

/** A stored message cursor: `s`, the id of the session it pages, and its seq field. */
type StoredMessageCursor = Record<string, string | number>;

/** The cursor of the page of `sessionId`'s messages next to `seq`, going `direction`. */
export const messageCursor = (sessionId: string, direction: MessageDirection, seq: number) =>
  encodeCursor<StoredMessageCursor>({ s: sessionId, [seqFields[direction]]: seq });

/** The cursor as one paging `direction`; BAD_REQUEST if it is not one. */
function decodeGoing(cursor: string, sessionId: string, direction: MessageDirection) {
  const field = seqFields[direction];
  const rules: CursorRules<StoredMessageCursor> = {
    s: { kind: 'id' },
    [field]: { kind: 'int', min: 1, max: Number.MAX_SAFE_INTEGER },
  };
  const c = decodeCursor<StoredMessageCursor>(cursor, rules, { s: sessionId });
  return { direction, seq: c[field] as number };
}

/** Either way of paging a session's messages, told apart by the field it holds. */
export function decodeMessageCursor(cursor: string, sessionId: string): MessageCursor {
  try {
    return decodeGoing(cursor, sessionId, 'older');
  } catch {
    return decodeGoing(cursor, sessionId, 'newer');
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
  /** Activity: the last session's activity time, in ms since the epoch (older data may hold times before it). */
  a: number;
  /** Id: the last session's id, which orders sessions of the same activity time. */
  i: string;
}

export const sessionCursorRules: CursorRules<SessionCursor> = {
  u: { kind: 'id' },
  v: { kind: 'int', min: 0, max: 2 },
  f: { kind: 'match', pattern: /^(\*|-|[0-9a-f]{24})$/ },
  p: { kind: 'boolean' },
  a: { kind: 'int', min: -maxTimeMs, max: maxTimeMs },
  i: { kind: 'id' },
};
