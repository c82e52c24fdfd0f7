// The one place API id strings become ObjectIds and back, and where ids as the
// old service may have stored them (hex strings, "") are read.
import { randomBytes } from 'node:crypto';
import { ObjectId } from 'mongodb';

/**
 * A time as an id's 4-byte seconds, which hold 1970 to 2106: a time outside is
 * clamped to the nearest (NaN to 0), never wrapped (1969 would read as 2105).
 */
const idSeconds = (ms: number) => Math.min(Math.max(Math.floor(ms / 1000), 0), 0xffff_ffff) || 0;

/**
 * A new id for a document others may probe for (sessions, messages): the usual
 * creation time, then 8 random bytes instead of the driver's per-process random
 * part and counter, so knowing one id tells nothing about its neighbours.
 */
export function newId(now = Date.now()): ObjectId {
  const bytes = Buffer.alloc(12);
  bytes.writeUInt32BE(idSeconds(now), 0);
  randomBytes(8).copy(bytes, 4);
  return new ObjectId(bytes);
}

/** For an id string that already passed the API's id schema. */
export function toObjectId(id: string): ObjectId {
  return ObjectId.createFromHexString(id);
}

export function idString(id: ObjectId): string {
  return id.toHexString();
}

const hex24 = /^[0-9a-fA-F]{24}$/;

/** The ObjectId a stored id or reference stands for (an ObjectId or its hex), else null. */
export function asObjectId(value: unknown): ObjectId | null {
  if (value instanceof ObjectId) return value;
  if (typeof value === 'string' && hex24.test(value)) return ObjectId.createFromHexString(value);
  return null;
}

/** The forms a reference to `id` may take in a database the old service wrote. */
export function storedRefs(id: ObjectId): [ObjectId, string] {
  return [id, id.toHexString()];
}

export function isDuplicateKey(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 11000;
}
