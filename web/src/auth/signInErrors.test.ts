import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { signInErrors } from './signInErrors';

function serverError(code: string, message: string, extra: object = {}) {
  return TRPCClientError.from({
    error: { message, code: -32600, data: { code, httpStatus: 400, ...extra } },
  });
}

describe('sign-in errors', () => {
  it('puts the server’s zodError messages beside their fields', () => {
    const error = serverError('BAD_REQUEST', 'invalid', {
      zodError: {
        formErrors: [],
        fieldErrors: { password: ['Password must be at least 8 characters', 'second'] },
      },
    });
    expect(signInErrors(error)).toEqual({
      username: undefined,
      password: 'Password must be at least 8 characters',
    });
  });

  it('says the same for a wrong username and a wrong password', () => {
    expect(signInErrors(serverError('UNAUTHORIZED', 'x'))).toEqual({
      form: 'Wrong username or password.',
    });
  });

  it('says how long to wait after too many attempts', () => {
    const error = serverError('TOO_MANY_REQUESTS', 'slow down', { retryAfterSeconds: 600 });
    expect(signInErrors(error).form).toBe('Too many attempts. Try again in 10 minutes.');
  });

  it('shows a taken name beside the username', () => {
    expect(signInErrors(serverError('CONFLICT', 'That username is taken.'))).toEqual({
      username: 'That username is taken.',
    });
  });

  it('tells the person when the server cannot be reached', () => {
    expect(signInErrors(new TypeError('Failed to fetch')).form).toMatch(/Could not reach Parley/);
  });
});
