// The one place API id strings become ObjectIds and back, and where ids as the
// old service may have stored them (hex strings, "") are read.
import { ObjectId } from 'mongodb';

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
