// A stream outlives the request that opened it: when its token expires or is
// revoked, the stream ends with UNAUTHORIZED (re-checked every LIVE_AUTH_RECHECK_MS,
// and at the token's expiry) and its listener is gone.
import type { Message, SessionChange } from '@parley/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley } from '../../src/app';
import { AccessTokens } from '../../src/auth/tokens';
import { bumpTokenVersion } from '../../src/auth/users';
import { idString } from '../../src/db/ids';
import { newUser, startTestServer, testSecret } from '../support/harness';
import { clientFor, record, tokenFor, waitFor } from './support';

type Tracked<T> = { id: string; data: T };

describe('the token of an open stream', () => {
  let server: Parley;

  beforeAll(async () => {
    server = await startTestServer({ LIVE_AUTH_RECHECK_MS: '200' });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('an expired token ends the stream with UNAUTHORIZED, after delivering while valid', async () => {
    const { user } = await newUser(server.services);
    const sender = clientFor(server.url, tokenFor(server.services, user));
    const session = await sender.session.create.mutate({ title: 'expiring' });
    // Signed with the server's secret, valid for 2 seconds.
    const shortLived = new AccessTokens(testSecret, 2).sign({
      userId: idString(user._id),
      tokenVersion: 0,
    });
    const watcher = clientFor(server.url, shortLived.token);
    const before = server.services.bus.listenerCount();
    const rec = record<Tracked<Message>>((h) =>
      watcher.message.onNew.subscribe({ sessionId: session.id }, h),
    );
    await waitFor('stream to start', () => rec.starts === 1);
    await sender.message.send.mutate({ sessionId: session.id, content: 'while valid' });
    await waitFor('the message', () => rec.events.length === 1);

    await waitFor('UNAUTHORIZED', () => rec.error !== null, 6_000);
    expect(rec.error?.data?.code).toBe('UNAUTHORIZED');
    expect(Date.now()).toBeGreaterThanOrEqual(shortLived.expiresAt.getTime());
    await waitFor('listener gone', () => server.services.bus.listenerCount() === before, 5_000);
    rec.unsubscribe();
  });

  it('a revoked token (new token version) ends both streams with UNAUTHORIZED', async () => {
    const { user } = await newUser(server.services);
    const client = clientFor(server.url, tokenFor(server.services, user));
    const session = await client.session.create.mutate({ title: 'revoked' });
    const before = server.services.bus.listenerCount();
    const messages = record<Tracked<Message>>((h) =>
      client.message.onNew.subscribe({ sessionId: session.id }, h),
    );
    const changes = record<Tracked<SessionChange>>((h) => client.session.onChange.subscribe({}, h));
    await waitFor('streams to start', () => messages.starts === 1 && changes.starts === 1);

    const revokedAt = Date.now();
    await bumpTokenVersion(server.services, user._id);
    await waitFor('both refusals', () => messages.error !== null && changes.error !== null, 5_000);
    expect(Date.now() - revokedAt).toBeLessThan(3_000);
    expect(messages.error?.data?.code).toBe('UNAUTHORIZED');
    expect(changes.error?.data?.code).toBe('UNAUTHORIZED');
    await waitFor('listeners gone', () => server.services.bus.listenerCount() === before, 5_000);
    messages.unsubscribe();
    changes.unsubscribe();
  });

  it('a stream with no valid token is refused at once', async () => {
    const client = clientFor(server.url, 'not-a-token');
    const rec = record<Tracked<SessionChange>>((h) => client.session.onChange.subscribe({}, h));
    await waitFor('the refusal', () => rec.error !== null);
    expect(rec.error?.data?.code).toBe('UNAUTHORIZED');
    rec.unsubscribe();
  });
});
