// The one place API id strings become ObjectIds and back.
import { ObjectId } from 'mongodb';

/** For an id string that already passed the API's id schema. */
export function toObjectId(id: string): ObjectId {
  return ObjectId.createFromHexString(id);
}

export function idString(id: ObjectId): string {
  return id.toHexString();
}

export function isDuplicateKey(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 11000;
}
