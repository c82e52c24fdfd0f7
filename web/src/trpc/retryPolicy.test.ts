import { createTRPCClient } from '@trpc/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Answer, apiStub, type StubOptions } from './apiStub';
import { errorCode } from './errors';
import { createLinks } from './links';
import { signInAgain } from './liveSocket';
import { socketStub } from './socketStub';
import type { AppRouter } from './types';

afterEach(() => vi.unstubAllGlobals());

const sessionId = '0123456789abcdef01234567';

/** A client on the real links, whose renewal swaps 'old' for 'new' (or signs out). */
function setUp(stub: StubOptions, renewTo: string | null = 'new') {
  const api = apiStub(stub);
  vi.stubGlobal('fetch', api.fetchStub);
  let token: string | null = 'old';
  const renew = vi.fn(async () => {
    token = renewTo;
    return renewTo !== null;
  });
  const client = createTRPCClient<AppRouter>({
    links: createLinks({ token: () => token, renew }, { reconnectDelayMs: () => 10 }),
  });
  return { ...api, renew, client };
}

/** Refuses the expired access token 'old', answers everything else. */
const expiredOld = (_path: string, req: { authorization: string | undefined }): Answer =>
  req.authorization === 'Bearer new' ? { data: { items: [] } } : { refuse: 'UNAUTHORIZED' };

describe('calls after an expired access token', () => {
  it('renews the token after UNAUTHORIZED and tries once more with the new one', async () => {
    const { calls, renew, client } = setUp({ call: expiredOld });
    await expect(client.folder.list.query()).resolves.toEqual({ items: [] });
    expect(renew).toHaveBeenCalledTimes(1);
    expect(calls.map((c) => c.authorization)).toEqual(['Bearer old', 'Bearer new']);
  });

  it('shares one renewal among calls refused with the same token, even one answered late', async () => {
    let answerLate!: () => void;
    const late = new Promise<void>((r) => {
      answerLate = r;
    });
    const { calls, renew, client } = setUp({
      call: async (path, req) => {
        if (path === 'session.create' && req.authorization === 'Bearer old') await late;
        return expiredOld(path, req);
      },
    });
    const slow = client.session.create.mutate({});
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    await Promise.all([client.folder.list.query(), client.session.list.query({})]);
    answerLate();
    await slow;
    expect(renew).toHaveBeenCalledTimes(1);
    expect(calls.filter((c) => c.authorization === 'Bearer new')).toHaveLength(3);
  });

  it('gives up when the renewed token is refused too, and never renews for sign-in calls', async () => {
    const { calls, renew, client } = setUp({ call: () => ({ refuse: 'UNAUTHORIZED' }) });
    const refused = await client.folder.list.query().catch((e: unknown) => e);
    expect(errorCode(refused)).toBe('UNAUTHORIZED');
    expect(calls).toHaveLength(2);
    expect(renew).toHaveBeenCalledTimes(1);

    await expect(client.auth.logout.mutate()).rejects.toThrow();
    expect(calls).toHaveLength(3);
    expect(renew).toHaveBeenCalledTimes(1);
  });

  it('fails once, without a loop, when the renewal finds the person signed out', async () => {
    const { calls, renew, client } = setUp({ call: expiredOld }, null);
    const refused = await client.folder.list.query().catch((e: unknown) => e);
    expect(errorCode(refused)).toBe('UNAUTHORIZED');
    expect(renew).toHaveBeenCalledTimes(1);
    expect(calls.map((c) => c.authorization)).toEqual(['Bearer old', undefined]);
  });
});

describe('live streams after an expired access token', () => {
  const stubs: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const s of stubs.splice(0)) await s.close();
  });

  /** A client whose live socket is a stub serving `stream`'s events. */
  async function live(stream: Parameters<typeof socketStub>[0], renewTo: string | null = 'new') {
    const stub = await socketStub(stream);
    stubs.push(stub);
    let token: string | null = 'old';
    const renew = vi.fn(async () => {
      token = renewTo;
      return renewTo !== null;
    });
    const client = createTRPCClient<AppRouter>({
      links: createLinks({ token: () => token, renew }, { reconnectDelayMs: () => 10 }, stub.live),
    });
    return { stub, renew, client };
  }

  function follow(client: ReturnType<typeof setUp>['client']) {
    const ids: string[] = [];
    const errors: unknown[] = [];
    const sub = client.message.onNew.subscribe(
      { sessionId },
      { onData: (d) => ids.push(d.id), onError: (e) => errors.push(e) },
    );
    return { ids, errors, sub };
  }

  it('reconnects the socket with a renewed token, after the last event it delivered', async () => {
    const { stub, renew, client } = await live((_n, sub) =>
      sub.token === 'new'
        ? [{ id: '8', data: {} }]
        : [{ id: '7', data: {} }, { closeSocket: signInAgain }],
    );
    const { ids, errors, sub } = follow(client);
    try {
      await vi.waitFor(() => expect(ids).toEqual(['7', '8']));
      expect(renew).toHaveBeenCalledTimes(1);
      expect(stub.subscribed.map((s) => s.token)).toEqual(['old', 'new']);
      expect(stub.subscribed[1]?.lastEventId).toBe('7');
      expect(errors).toEqual([]);
    } finally {
      sub.unsubscribe();
    }
  });

  it('waits longer and longer before a socket refused again and again tries once more', async () => {
    const { stub, client } = await live(() => [{ closeSocket: signInAgain }]);
    const { sub } = follow(client);
    try {
      await new Promise((r) => setTimeout(r, 1_700));
      // At once, at once again with the renewed token, then after 0.5 s and 1 s more.
      expect(stub.subscribed.length).toBeGreaterThanOrEqual(3);
      expect(stub.subscribed.length).toBeLessThanOrEqual(4);
    } finally {
      sub.unsubscribe();
    }
  });

  it('reconnects after other failures, but not to a chat that is gone', async () => {
    const busy = await live((n) =>
      n < 3 ? [{ refuse: 'TOO_MANY_REQUESTS' }] : [{ id: '1', data: {} }],
    );
    const followed = follow(busy.client);
    try {
      await vi.waitFor(() => expect(followed.ids).toEqual(['1']));
      expect(busy.stub.subscribed).toHaveLength(3);
      expect(busy.renew).not.toHaveBeenCalled();
    } finally {
      followed.sub.unsubscribe();
    }

    const gone = await live(() => [{ refuse: 'NOT_FOUND' }]);
    const { errors } = follow(gone.client);
    await vi.waitFor(() => expect(errors).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 50));
    expect(gone.stub.subscribed).toHaveLength(1);
  });
});
