// Opaque keyset cursors: base64url JSON, bound to what they page through, so a
// cursor from another list, session or user is refused rather than misread.
import { TRPCError } from '@trpc/server';

const garbled = () =>
  new TRPCError({ code: 'BAD_REQUEST', message: 'That cursor is not valid for this list.' });

export function encodeCursor(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Decodes a cursor whose fields must have the given types and, where given, values. */
type Kind<V> = V extends number ? 'number' : V extends boolean ? 'boolean' : 'string';

export function decodeCursor<T extends object>(
  cursor: string,
  expect: { [K in keyof T]: Kind<T[K]> },
  bound: Partial<T> = {},
): T {
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw garbled();
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw garbled();
  }
  if (typeof parsed !== 'object' || parsed === null) throw garbled();
  const obj = parsed as Record<string, unknown>;
  for (const [key, type] of Object.entries(expect)) {
    if (typeof obj[key] !== type) throw garbled();
  }
  for (const [key, value] of Object.entries(bound)) {
    if (obj[key] !== value) throw garbled();
  }
  return obj as T;
}
