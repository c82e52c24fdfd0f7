// What clients send as input, read and checked in one pass instead of by superjson:
// the document superjson writes for the inputs Parley's types take (plain JSON, with
// `undefined`, Dates and the numbers JSON cannot carry noted by dotted path). Anything
// else is refused with one message before any of it is applied. superjson's own reader
// answered such documents in its runtime's words ("identicalPaths.map is not a
// function"), and recursed until the stack overflowed on a string where it expects a
// tree of notes. Shared references (`referentialEqualities`) are checked and not
// applied: such an object arrives as the equal copies superjson also writes, as the
// answers do the other way (transformer.ts).
import { TRPCError } from '@trpc/server';

export const unreadableInputMessage = 'The input could not be read.';

const unreadable = () => new TRPCError({ code: 'BAD_REQUEST', message: unreadableInputMessage });

type Reader = (json: unknown) => unknown;

const specialNumbers = new Set(['NaN', 'Infinity', '-Infinity', '-0']);

/** superjson's value notes that Parley's inputs can need, each with what its JSON must be. */
const readers = new Map<string, Reader>([
  ['undefined', () => undefined],
  [
    'Date',
    (json) => {
      if (typeof json !== 'string') throw unreadable();
      return new Date(json);
    },
  ],
  [
    'number',
    (json) => {
      if (typeof json !== 'string' || !specialNumbers.has(json)) throw unreadable();
      return Number(json);
    },
  ],
]);

const refusedKeys = new Set(['__proto__', 'constructor', 'prototype']);

/** An object as JSON.parse makes them (a Date, once read, is not one). */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

const hasOnlyKeys = (value: Record<string, unknown>, allowed: ReadonlySet<string>) =>
  Object.keys(value).every((key) => allowed.has(key));

const documentKeys = new Set(['json', 'meta']);
const metaKeys = new Set(['values', 'referentialEqualities', 'v']);

/** superjson's dotted path: `\.` is a dot in a key, `\\` a backslash (in version 1). */
function segmentsOf(path: string, legacy: boolean): string[] {
  const segments: string[] = [];
  let segment = '';
  for (let i = 0; i < path.length; i++) {
    const c = path[i];
    if (c === '\\' && path[i + 1] === '.') {
      segment += '.';
      i++;
    } else if (c === '\\' && !legacy) {
      if (path[i + 1] !== '\\') throw unreadable();
      segment += '\\';
      i++;
    } else if (c === '.') {
      segments.push(segment);
      segment = '';
    } else segment += c;
  }
  segments.push(segment);
  return segments;
}

/** An array index as superjson writes one: canonical, and inside the array. */
function indexIn(array: unknown[], key: string): number {
  if (!/^(0|[1-9][0-9]*)$/.test(key)) throw unreadable();
  const index = Number(key);
  // Past the end, a write would stretch the array to any length the path names.
  if (index >= array.length) throw unreadable();
  return index;
}

function childOf(container: unknown, key: string): unknown {
  if (Array.isArray(container)) return container[indexIn(container, key)];
  if (isPlainObject(container) && Object.hasOwn(container, key)) return container[key];
  throw unreadable();
}

/** Replaces the value at `segments` (under `root`, a container) with what `read` makes of it. */
function readAt(root: unknown, segments: string[], read: Reader): void {
  if (segments.some((s) => refusedKeys.has(s))) throw unreadable();
  let parent = root;
  for (let i = 0; i < segments.length - 1; i++) parent = childOf(parent, segments[i] as string);
  const key = segments[segments.length - 1] as string;
  if (Array.isArray(parent)) {
    const index = indexIn(parent, key);
    parent[index] = read(parent[index]);
  } else if (isPlainObject(parent)) {
    parent[key] = read(parent[key]);
  } else throw unreadable();
}

/** A note on one value: `[type]`, of a type Parley reads (no containers, no classes). */
function readerOf(note: unknown): Reader {
  if (!Array.isArray(note) || note.length !== 1 || typeof note[0] !== 'string') throw unreadable();
  const read = readers.get(note[0]);
  if (!read) throw unreadable();
  return read;
}

const isPaths = (value: unknown) =>
  Array.isArray(value) && value.every((path) => typeof path === 'string');
const isPathsByPath = (value: unknown) =>
  isPlainObject(value) && Object.values(value).every(isPaths);

/** `{ path: [paths…] }`, or `[[paths…]]` / `[[paths…], { path: [paths…] }]` for the root. */
function checkReferences(references: unknown): void {
  if (isPathsByPath(references)) return;
  if (
    Array.isArray(references) &&
    (references.length === 1 || references.length === 2) &&
    isPaths(references[0]) &&
    (references.length === 1 || isPathsByPath(references[1]))
  )
    return;
  throw unreadable();
}

/**
 * The input a superjson document carries; BAD_REQUEST (one message) for anything that is
 * not one, or that notes a type Parley's inputs never take. `document` is fresh from
 * JSON.parse and is changed in place.
 */
export function readInput(document: unknown): unknown {
  if (!isPlainObject(document) || !hasOnlyKeys(document, documentKeys)) throw unreadable();
  const { json, meta } = document;
  if (meta === undefined) return json;
  if (!isPlainObject(meta) || !hasOnlyKeys(meta, metaKeys)) throw unreadable();
  if (meta.v !== undefined && meta.v !== 1) throw unreadable();
  if (meta.referentialEqualities !== undefined) checkReferences(meta.referentialEqualities);
  const { values } = meta;
  if (values === undefined) return json;
  // The whole input noted at once (`['Date']`): the root has no path.
  if (Array.isArray(values)) return readerOf(values)(json);
  if (!isPlainObject(values)) throw unreadable();
  const legacy = meta.v === undefined;
  for (const [path, note] of Object.entries(values)) {
    readAt(json, segmentsOf(path, legacy), readerOf(note));
  }
  return json;
}
