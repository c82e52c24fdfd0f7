import { z } from 'zod';
import { limits } from './limits';
import { hasVisibleCharacter } from './text';

export const usernameSchema = z
  .string({ error: 'Username must be text' })
  .min(limits.usernameMin, `Username must be at least ${limits.usernameMin} characters`)
  .max(limits.usernameMax, `Username must be at most ${limits.usernameMax} characters`)
  .regex(/^[A-Za-z0-9_.-]+$/, 'Username may use letters, digits, "_", "." and "-" only')
  .regex(/[A-Za-z0-9]/, 'Username must contain a letter or a digit');

const passwordBytes = (p: string) => new TextEncoder().encode(p).length;
const tooLong = `Password must be at most ${limits.passwordMaxBytes} bytes (UTF-8); use fewer or simpler characters`;

export const passwordSchema = z
  .string({ error: 'Password must be text' })
  .min(limits.passwordMin, `Password must be at least ${limits.passwordMin} characters`)
  .refine((p) => passwordBytes(p) <= limits.passwordMaxBytes, tooLong)
  .refine((p) => !p.includes('\u0000'), 'Password must not contain NUL characters')
  .refine(hasVisibleCharacter, 'Password must not be only spaces or invisible characters');

/**
 * Where the refresh credential goes: an httpOnly cookie (browsers, the default),
 * the response body (scripts without a cookie jar), or nowhere (an access token
 * alone, as the old REST login gave).
 */
export const refreshTransportSchema = z.enum(['cookie', 'body', 'none']);

export const credentialsInput = z.object({
  username: usernameSchema,
  password: passwordSchema,
  refreshTransport: refreshTransportSchema.optional(),
});

/** Login checks the same shape but never tells which rule a stored password broke. */
export const loginInput = z.object({
  username: z.string({ error: 'Username must be text' }).min(1, 'Username is required').max(200),
  // Longer than bcrypt reads would match on its first 72 bytes alone: refuse it.
  password: z
    .string({ error: 'Password must be text' })
    .min(1, 'Password is required')
    .refine((p) => passwordBytes(p) <= limits.passwordMaxBytes, tooLong),
  refreshTransport: refreshTransportSchema.optional(),
});

export const refreshInput = z
  .object({ refreshToken: z.string().min(1).max(512).optional() })
  .optional();
