import { setTimeout as sleep } from 'node:timers/promises';
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import { bumpTokenVersion, createUser } from '../../src/auth/users';
import { type AppRouter, createParleyClient } from '../../src/client';
import type { UserDoc } from '../../src/db/documents';
import { startTestServer } from '../support/harness';

let parley: Parley;
let bob: UserDoc;
beforeAll(async () => {
  // Access tokens live 2 s here, so expiry happens within a test.
  parley = await startTestServer({}, (c) => {
    c.accessTokenTtlSeconds = 2;
  });
  bob = await createUser(parley.services.db, parley.services.passwords, 'bob', 'bobpass1234');
});
afterAll(() => parley.stop());

const client = () =>
  createParleyClient({ url: parley.url, username: 'bob', password: 'bobpass1234' });

async function refreshUses(): Promise<number> {
  return parley.services.db.refreshTokens.countDocuments({
    user_id: bob._id,
    used_at: { $ne: null },
  });
}

describe('the typed client for scripts', () => {
  it('logs in with the refresh credential in the body and calls typed procedures', async () => {
    const c = client();
    const user = await c.login();
    expect(user.username).toBe('bob');
    const me = await c.api.auth.me.query();
    expect(me.id).toBe(user.id);
    const session = await c.api.session.create.mutate({ title: 'Typed' });
    expect(session.createdAt).toBeInstanceOf(Date);
    await c.logout();
  });

  it('renews the access token before it expires, without a failed call', async () => {
    const c = client();
    await c.login();
    const before = await refreshUses();
    await sleep(2_100);
    expect((await c.api.auth.me.query()).username).toBe('bob');
    expect(await refreshUses()).toBe(before + 1);
    await c.logout();
  });

  it('renews once for many calls that find the token expired together', async () => {
    const c = client();
    await c.login();
    const before = await refreshUses();
    await sleep(2_100);
    // Separate ticks make separate HTTP batches, each asking for a token at once.
    const calls = Array.from({ length: 6 }, (_, i) => sleep(i).then(() => c.api.auth.me.query()));
    const users = await Promise.all(calls);
    expect(users.every((u) => u.username === 'bob')).toBe(true);
    // A refresh credential is single-use: two renewals would have revoked the family.
    expect(await refreshUses()).toBe(before + 1);
    expect((await c.api.auth.me.query()).username).toBe('bob');
    await c.logout();
  });

  it('renews and retries once when the server answers UNAUTHORIZED', async () => {
    const c = client();
    await c.login();
    // Revokes every access token of bob; the refresh credential still works.
    await bumpTokenVersion(parley.services, bob._id);
    const before = await refreshUses();
    expect((await c.api.session.list.query()).items).toBeDefined();
    expect(await refreshUses()).toBe(before + 1);
    await c.logout();
  });

  it('is signed out after logout: the refresh credential is revoked', async () => {
    const c = client();
    await c.login();
    const revoked = () =>
      parley.services.db.refreshTokens.countDocuments({
        user_id: bob._id,
        revoked_at: { $ne: null },
      });
    const before = await revoked();
    await c.logout();
    expect(await revoked()).toBe(before + 1);
    const err = await c.api.auth.me.query().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCClientError);
    expect((err as TRPCClientError<AppRouter>).data?.code).toBe('UNAUTHORIZED');
  });
});
