import { z } from 'zod';

const objectIdPattern = /^[0-9a-f]{24}$/;

/** True for a 24-character lowercase hex id, the only id form the API speaks. */
export function isIdString(value: unknown): value is string {
  return typeof value === 'string' && objectIdPattern.test(value);
}

/** An id as the API carries it, in inputs and outputs alike. */
export const idSchema = z
  .string({ error: 'must be an id string' })
  .regex(objectIdPattern, 'must be a 24-character lowercase hex id');
