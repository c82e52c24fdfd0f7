import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { retryQuery } from './errors';

function serverError(code: string) {
  return TRPCClientError.from({
    error: { message: code, code: -32600, data: { code, httpStatus: 400 } },
  });
}

const tries = (error: unknown, busyTries?: number) => {
  let count = 0;
  while (retryQuery(count, error, busyTries) && count < 10) count++;
  return count;
};

describe('which failed queries are asked again', () => {
  it('twice when Parley could not be reached or failed', () => {
    expect(tries(new TypeError('Failed to fetch'))).toBe(2);
    expect(tries(serverError('INTERNAL_SERVER_ERROR'))).toBe(2);
    expect(tries(serverError('SERVICE_UNAVAILABLE'))).toBe(2);
  });

  it('never when Parley refused', () => {
    for (const code of ['BAD_REQUEST', 'UNAUTHORIZED', 'NOT_FOUND', 'TOO_MANY_REQUESTS']) {
      expect(tries(serverError(code))).toBe(0);
    }
  });

  it('a busy refusal as often as the query allows (search), and other refusals still never', () => {
    expect(tries(serverError('TOO_MANY_REQUESTS'), 3)).toBe(3);
    expect(tries(serverError('BAD_REQUEST'), 3)).toBe(0);
  });
});
