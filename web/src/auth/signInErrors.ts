// Turns a failed sign-in or sign-up into what the form shows: messages beside
// fields, or one message for the whole form.
import { describeError, errorCode, fieldErrors, retryAfterSeconds } from '../trpc/errors';

export interface FormErrors {
  username?: string;
  password?: string;
  form?: string;
}

function waitText(seconds: number | undefined): string {
  if (!seconds) return 'a little while';
  if (seconds < 90) return `${seconds} seconds`;
  return `${Math.ceil(seconds / 60)} minutes`;
}

export function signInErrors(error: unknown): FormErrors {
  const code = errorCode(error);
  if (code === 'TOO_MANY_REQUESTS') {
    return { form: `Too many attempts. Try again in ${waitText(retryAfterSeconds(error))}.` };
  }
  if (code === 'UNAUTHORIZED') return { form: 'Wrong username or password.' };
  if (code === 'CONFLICT') return { username: describeError(error) };
  const fields = fieldErrors(error);
  if (fields.username || fields.password) {
    return { username: fields.username, password: fields.password } as FormErrors;
  }
  return { form: describeError(error) };
}
