// superjson on the wire, with a fast path for what Parley's answers hold: plain
// objects, arrays, strings, finite numbers, booleans, null and Dates. It writes the
// document superjson writes (`{ json, meta: { values, v: 1 } }`, dates as ISO
// strings annotated by dotted path), so every superjson client reads it unchanged;
// anything else, and any key superjson escapes or refuses, goes to superjson itself.
// The one difference: an object reachable by two paths arrives as two equal copies
// instead of one shared object. A 50-message page costs a fraction of superjson's walk.
import superjson, { type SuperJSONResult } from 'superjson';

type Annotations = Record<string, ['Date']>;

/** Thrown inside the walk when a value needs superjson's full treatment. */
const notPlain = Symbol('notPlain');
const maxDepth = 64;
const refusedKeys = new Set(['__proto__', 'constructor', 'prototype']);

/** A value JSON carries as it is; throws for numbers JSON cannot carry. */
function isLeaf(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || Object.is(value, -0)) throw notPlain;
    return true;
  }
  return false;
}

/**
 * Notes the path of each Date under `value` (whose own path is `prefix` plus a dot,
 * or empty at the top) and checks that the rest is plain. Nothing is copied:
 * JSON.stringify writes a Date as its ISO string, which is what superjson puts in `json`.
 */
function annotate(value: object, prefix: string, out: Annotations, depth: number): void {
  if (depth > maxDepth) throw notPlain;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) child(value[i], `${prefix}${i}`, out, depth);
    return;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) throw notPlain;
  for (const key of Object.keys(value)) {
    // superjson escapes dots and backslashes in path keys, and refuses keys that
    // could pollute prototypes: such keys take its path.
    if (key.includes('.') || key.includes('\\') || refusedKeys.has(key)) throw notPlain;
    child((value as Record<string, unknown>)[key], prefix + key, out, depth);
  }
}

function child(value: unknown, path: string, out: Annotations, depth: number): void {
  if (isLeaf(value)) return;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime()) || Object.hasOwn(value, 'toJSON')) throw notPlain;
    out[path] = ['Date'];
    return;
  }
  if (typeof value !== 'object' || value === null) throw notPlain;
  annotate(value, `${path}.`, out, depth + 1);
}

export function serialize(value: unknown): ReturnType<typeof superjson.serialize> {
  const values: Annotations = {};
  try {
    if (value instanceof Date) child(value, '', values, 0);
    else if (!isLeaf(value)) {
      if (typeof value !== 'object' || value === null) throw notPlain;
      annotate(value, '', values, 0);
    }
  } catch (e) {
    if (e === notPlain) return superjson.serialize(value);
    throw e;
  }
  // Dates stay Dates here; tRPC's JSON.stringify writes them as superjson would.
  const json = value as SuperJSONResult['json'];
  if (value instanceof Date) return { json, meta: { values: ['Date'], v: 1 } };
  if (Object.keys(values).length === 0) return { json };
  return { json, meta: { values, v: 1 } };
}

/** The server's transformer: superjson in, the fast path out. */
export const transformer = {
  input: superjson,
  output: { serialize, deserialize: superjson.deserialize.bind(superjson) },
};
