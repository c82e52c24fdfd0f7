// Ids as the old service may have stored them: ObjectIds, their hex as a string,
// an empty string, or anything else.
import { ObjectId } from 'mongodb';

export { asObjectId } from '../db/ids';

/** A short, printable form of a stored id. */
export function showId(value: unknown): string {
  if (value instanceof ObjectId) return value.toHexString();
  return JSON.stringify(value) ?? String(value);
}
