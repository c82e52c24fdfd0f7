import { type Operation, TRPCClientError, type TRPCLink } from '@trpc/client';
import { type Observable, observable } from '@trpc/server/observable';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { authRetryLink } from './authRetryLink';
import type { AppRouter } from './types';

type Envelope = { result: { type?: string; id?: string; data?: unknown } };
type Script = (
  attempt: number,
  observer: { next(e: Envelope): void; error(e: unknown): void; complete(): void },
) => void;

function trpcError(code: string) {
  return TRPCClientError.from({ error: { message: code, code: -32000, data: { code } } });
}

/** Runs `authRetryLink` in front of a fake transport that plays `script` for each attempt. */
function run(link: TRPCLink<AppRouter>, op: Partial<Operation>, script: Script) {
  const attempts: Operation[] = [];
  const terminal = (o: Operation) =>
    observable((observer) => {
      attempts.push(o);
      script(attempts.length, observer as never);
      return () => {};
    });
  const full: Operation = {
    id: 1,
    type: 'query',
    path: 'session.list',
    input: {},
    context: {},
    signal: null,
    ...op,
  };
  type Chain = (o: { op: Operation; next: typeof terminal }) => Observable<Envelope, unknown>;
  const chain = (link({} as never) as unknown as Chain)({ op: full, next: terminal });
  const events: Envelope[] = [];
  const errors: unknown[] = [];
  const sub = chain.subscribe({ next: (e) => events.push(e), error: (e) => errors.push(e) });
  return { attempts, events, errors, sub };
}

describe('the auth and reconnect link', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('renews the token after UNAUTHORIZED and tries once more', async () => {
    const renew = vi.fn(async () => true);
    const { attempts, events, errors } = run(authRetryLink({ renew }), {}, (attempt, o) => {
      if (attempt === 1) o.error(trpcError('UNAUTHORIZED'));
      else o.next({ result: { type: 'data', data: 'ok' } });
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(renew).toHaveBeenCalledTimes(1);
    expect(attempts).toHaveLength(2);
    expect(events.map((e) => e.result.data)).toEqual(['ok']);
    expect(errors).toEqual([]);
  });

  it('gives up after one renewal, and never renews for the sign-in calls themselves', async () => {
    const renew = vi.fn(async () => true);
    const always401: Script = (_attempt, o) => o.error(trpcError('UNAUTHORIZED'));
    const query = run(authRetryLink({ renew }), {}, always401);
    await vi.advanceTimersByTimeAsync(0);
    expect(query.attempts).toHaveLength(2);
    expect(query.errors).toHaveLength(1);

    const login = run(
      authRetryLink({ renew }),
      { type: 'mutation', path: 'auth.login' },
      always401,
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(login.attempts).toHaveLength(1);
    expect(renew).toHaveBeenCalledTimes(1);
  });

  it('reconnects a dropped subscription after the last event it delivered', async () => {
    const renew = vi.fn(async () => true);
    const { attempts, events, errors } = run(
      authRetryLink({ renew, reconnectDelayMs: () => 1_000 }),
      { type: 'subscription', path: 'message.onNew', input: { sessionId: 's' } },
      (attempt, o) => {
        if (attempt === 1) {
          o.next({ result: { type: 'started' } });
          o.next({ result: { id: '7', data: 'm7' } });
          o.error(trpcError('INTERNAL_SERVER_ERROR'));
        } else if (attempt === 2) {
          o.error(trpcError('UNAUTHORIZED'));
        } else {
          o.next({ result: { id: '8', data: 'm8' } });
        }
      },
    );
    expect(events.at(-1)?.result).toMatchObject({ type: 'state', state: 'connecting' });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(attempts[1]?.input).toEqual({ sessionId: 's', lastEventId: '7' });
    expect(renew).toHaveBeenCalledTimes(1);
    expect(attempts[2]?.input).toEqual({ sessionId: 's', lastEventId: '7' });
    expect(events.map((e) => e.result.data).filter(Boolean)).toEqual(['m7', 'm8']);
    expect(errors).toEqual([]);
  });

  it('does not reconnect to a chat that is gone', async () => {
    const { attempts, errors } = run(
      authRetryLink({ renew: async () => true, reconnectDelayMs: () => 10 }),
      { type: 'subscription', path: 'message.onNew', input: { sessionId: 's' } },
      (_attempt, o) => o.error(trpcError('NOT_FOUND')),
    );
    await vi.advanceTimersByTimeAsync(100);
    expect(attempts).toHaveLength(1);
    expect(errors).toHaveLength(1);
  });
});
