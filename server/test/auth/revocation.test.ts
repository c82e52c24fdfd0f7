// Revocation holds while a refresh chain is being rotated: whatever interleaving of
// rotations, logout, logoutEverywhere and reuse detection, no credential minted around
// a revocation stays usable, and the grace window never forks a chain.
import { createHash } from 'node:crypto';
import type { AuthResult } from '@parley/shared';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepOnce } from '../../src/maintenance';
import type { Services } from '../../src/services';
import { callerFor, closeServices, codeOf, newUser, testServices } from '../support/harness';

const password = 'correct horse battery';

function signIn(services: Services, username: string): Promise<AuthResult> {
  return callerFor(services).auth.login({ username, password, refreshTransport: 'body' });
}

const refresh = (services: Services, token: string | undefined) =>
  callerFor(services).auth.refresh({ refreshToken: token });
const me = (services: Services, accessToken: string) =>
  callerFor(services, null, { accessToken }).auth.me();

/** Rotates a chain nonstop until told to stop or it fails; records every result. */
function rotateNonstop(services: Services, first: AuthResult, maxRotations = 2_000) {
  const state = {
    stop: false,
    results: [first] as AuthResult[],
    /** How many rotations had succeeded when the chain first failed, if it did. */
    failedAfter: null as number | null,
    finished: false,
    done: Promise.resolve(),
  };
  state.done = (async () => {
    for (let i = 0; i < maxRotations && !state.stop; i++) {
      const last = state.results.at(-1) as AuthResult;
      try {
        state.results.push(await refresh(services, last.refreshToken));
      } catch (e) {
        if (!(e instanceof TRPCError) || e.code !== 'UNAUTHORIZED') throw e;
        state.failedAfter = state.results.length - 1;
        return;
      }
    }
  })().finally(() => {
    state.finished = true;
  });
  return state;
}

/** Waits (bounded) until the chain has rotated `n` more times or has ended. */
async function rotations(state: { results: unknown[]; finished: boolean }, n: number) {
  const target = state.results.length + n;
  for (let i = 0; i < 2_000 && state.results.length < target && !state.finished; i++) {
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('revocation against a chain being rotated (grace 0)', () => {
  let services: Services;
  beforeAll(async () => {
    services = await testServices({}, (c) => {
      c.refreshReuseGraceMs = 0;
    });
  });
  afterAll(() => closeServices(services));

  it('logoutEverywhere during nonstop rotation of a stolen credential: the chain dies within one rotation', async () => {
    for (let round = 0; round < 5; round++) {
      const { user } = await newUser(services);
      const victim = await signIn(services, user.username);
      const stolen = await signIn(services, user.username);
      const chain = rotateNonstop(services, stolen);
      await rotations(chain, 3);
      await callerFor(services, null, { accessToken: victim.accessToken }).auth.logoutEverywhere();
      const atRevocation = chain.results.length;
      await rotations(chain, 3);
      chain.stop = true;
      await chain.done;
      // At most the rotation in flight when the revocation returned may still succeed.
      expect(chain.failedAfter, `round ${round}: the chain kept rotating`).not.toBeNull();
      expect(chain.results.length - atRevocation).toBeLessThanOrEqual(1);
      const last = chain.results.at(-1) as AuthResult;
      expect(await codeOf(refresh(services, last.refreshToken))).toBe('UNAUTHORIZED');
      expect(await codeOf(me(services, last.accessToken))).toBe('UNAUTHORIZED');
    }
  });

  it('reuse detection during nonstop rotation: no credential minted after the revocation stays usable', async () => {
    for (let round = 0; round < 3; round++) {
      const { user } = await newUser(services);
      const first = await signIn(services, user.username);
      // The attacker took R0 and rotates it; the victim then presents R0 again.
      const chain = rotateNonstop(services, first);
      await rotations(chain, 3);
      expect(await codeOf(refresh(services, first.refreshToken))).toBe('UNAUTHORIZED');
      const atRevocation = chain.results.length;
      await rotations(chain, 3);
      chain.stop = true;
      await chain.done;
      expect(chain.failedAfter, `round ${round}: the chain kept rotating`).not.toBeNull();
      expect(chain.results.length - atRevocation).toBeLessThanOrEqual(1);
      // Every credential the chain ever held, the newest included, is refused.
      for (const r of chain.results.slice(-3)) {
        expect(await codeOf(refresh(services, r.refreshToken))).toBe('UNAUTHORIZED');
      }
    }
  });

  it('8 refreshes in flight alongside logoutEverywhere: none survive', async () => {
    for (let round = 0; round < 5; round++) {
      const { user } = await newUser(services);
      const devices: AuthResult[] = [];
      for (let i = 0; i < 8; i++) devices.push(await signIn(services, user.username));
      const inFlight = devices.map((d) =>
        refresh(services, d.refreshToken).then(
          (r) => r,
          () => null,
        ),
      );
      await callerFor(services, null, {
        accessToken: devices[0]?.accessToken,
      }).auth.logoutEverywhere();
      const minted = (await Promise.all(inFlight)).filter((r) => r !== null);
      for (const r of minted) {
        expect(await codeOf(me(services, r.accessToken)), `round ${round}`).toBe('UNAUTHORIZED');
        expect(await codeOf(refresh(services, r.refreshToken)), `round ${round}`).toBe(
          'UNAUTHORIZED',
        );
      }
      for (const d of devices) {
        expect(await codeOf(refresh(services, d.refreshToken))).toBe('UNAUTHORIZED');
      }
    }
  });

  it('logout during nonstop rotation of the same family: the chain dies within one rotation', async () => {
    const { user } = await newUser(services);
    const first = await signIn(services, user.username);
    const chain = rotateNonstop(services, first);
    await rotations(chain, 3);
    await callerFor(services).auth.logout({
      refreshToken: (chain.results.at(-1) as AuthResult).refreshToken,
    });
    const atRevocation = chain.results.length;
    await rotations(chain, 3);
    chain.stop = true;
    await chain.done;
    expect(chain.failedAfter).not.toBeNull();
    expect(chain.results.length - atRevocation).toBeLessThanOrEqual(1);
    // Another device of the same user is not signed out.
    const other = await signIn(services, user.username);
    await expect(refresh(services, other.refreshToken)).resolves.toBeTruthy();
  });
});

describe('the reuse grace window', () => {
  let services: Services;
  beforeAll(async () => {
    services = await testServices({}, (c) => {
      c.refreshReuseGraceMs = 60_000;
    });
  });
  afterAll(() => closeServices(services));

  it('10 parallel refreshes of one credential inside the grace give one successor', async () => {
    const { user } = await newUser(services);
    const first = await signIn(services, user.username);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => refresh(services, first.refreshToken)),
    );
    const successors = new Set(results.map((r) => r.refreshToken));
    expect(successors.size).toBe(1);
    // And that one successor rotates on as usual.
    const next = await refresh(services, results[0]?.refreshToken);
    expect(next.refreshToken).not.toBe(results[0]?.refreshToken);
  });

  it('a revoked family stays revoked inside the grace: the spent credential mints nothing', async () => {
    const { user } = await newUser(services);
    const first = await signIn(services, user.username);
    const second = await refresh(services, first.refreshToken);
    await callerFor(services).auth.logout({ refreshToken: second.refreshToken });
    expect(await codeOf(refresh(services, first.refreshToken))).toBe('UNAUTHORIZED');
    expect(await codeOf(refresh(services, second.refreshToken))).toBe('UNAUTHORIZED');
  });
});

describe('credentials stored before versions were recorded', () => {
  let services: Services;
  beforeAll(async () => {
    services = await testServices();
  });
  afterAll(() => closeServices(services));

  it('still rotate, and logoutEverywhere still ends them', async () => {
    const { user } = await newUser(services);
    const old = (token: string) => ({
      _id: createHash('sha256').update(token).digest('hex'),
      user_id: user._id,
      family: `old-family-${token}`,
      created_at: new Date(),
      expires_at: new Date(Date.now() + 86_400_000),
      used_at: null,
      revoked_at: null,
    });
    await services.db.refreshTokens.insertMany([old('legacy-one'), old('legacy-two')]);
    const next = await refresh(services, 'legacy-one');
    await callerFor(services, null, { accessToken: next.accessToken }).auth.logoutEverywhere();
    expect(await codeOf(refresh(services, next.refreshToken))).toBe('UNAUTHORIZED');
    expect(await codeOf(refresh(services, 'legacy-two'))).toBe('UNAUTHORIZED');
  });
});

describe('the sweep', () => {
  let services: Services;
  beforeAll(async () => {
    services = await testServices();
  });
  afterAll(() => closeServices(services));

  it('deletes revoked families no credential can outlive, and keeps the rest', async () => {
    const { user } = await newUser(services);
    const now = Date.now();
    const family = (name: string, expiresInMs: number) => ({
      _id: `${name}-${now}`,
      user_id: user._id,
      revoked_at: new Date(now),
      expires_at: new Date(now + expiresInMs),
    });
    await services.db.revokedFamilies.insertMany([family('old', -1_000), family('live', 60_000)]);
    await sweepOnce(services);
    expect(await services.db.revokedFamilies.findOne({ _id: `old-${now}` })).toBeNull();
    expect(await services.db.revokedFamilies.findOne({ _id: `live-${now}` })).not.toBeNull();
  });
});
