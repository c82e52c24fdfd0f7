// Ids as the old service may have stored them: ObjectIds, their hex as a string,
// an empty string, or anything else.
import { ObjectId } from 'mongodb';

const hex24 = /^[0-9a-fA-F]{24}$/;

/** The ObjectId a stored id stands for, or null when it cannot stand for one. */
export function asObjectId(value: unknown): ObjectId | null {
  if (value instanceof ObjectId) return value;
  if (typeof value === 'string' && hex24.test(value)) return ObjectId.createFromHexString(value);
  return null;
}

/** A short, printable form of a stored id. */
export function showId(value: unknown): string {
  if (value instanceof ObjectId) return value.toHexString();
  return JSON.stringify(value) ?? String(value);
}
