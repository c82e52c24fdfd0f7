// A purge cut short by a killed process: the chat was gone for its owner from the
// answer on, and the next start finishes deleting its contents (a real child
// process, SIGKILLed mid-purge, then started again on the same database).
import { describe, expect, it } from 'vitest';
import { findUserByName } from '../../src/auth/users';
import { connectDatabase } from '../../src/db/database';
import { InProcessBus } from '../../src/realtime/bus';
import { createServices } from '../../src/services';
import { leftOf, seedMessages } from '../support/chats';
import { freshDbName, testConfig } from '../support/harness';
import { onTestDatabase, runMain, waitForOutput } from '../support/processes';
import { newSession, signUp, trpcCall } from './support/trpc';

describe('a purge interrupted by a killed process', () => {
  it('is finished after the restart, and nothing else goes', async () => {
    const dbName = freshDbName();
    const env = onTestDatabase(dbName, { LOG_LEVEL: 'info' });
    const config = testConfig({ MONGODB_DB: dbName });
    const db = await connectDatabase(config.mongoUri ?? '', dbName);
    const services = createServices(config, db, new InProcessBus());
    let child = runMain(env);
    try {
      const [, base = ''] = await waitForOutput(child, /listening on (http:\/\/\S+)/);
      const token = await signUp(base, 'purge_restart');
      const user = await findUserByName(db, 'purge_restart');
      if (!user) throw new Error('no user');
      const big = await newSession(base, token);
      const neighbour = await newSession(base, token);
      const clientIds = await seedMessages(services, user._id, big, 10_000);
      const kept = await trpcCall(
        base,
        'mutation',
        'message.send',
        {
          sessionId: neighbour,
          content: 'stays',
        },
        token,
      );
      expect(kept.ok).toBe(true);
      expect((await trpcCall(base, 'mutation', 'session.delete', { id: big }, token)).ok).toBe(
        true,
      );

      expect((await trpcCall(base, 'mutation', 'session.purge', { id: big }, token)).ok).toBe(true);
      expect((await trpcCall(base, 'query', 'session.get', { id: big }, token)).code).toBe(
        'NOT_FOUND',
      );
      const send = await trpcCall(
        base,
        'mutation',
        'message.send',
        { sessionId: big, content: 'x' },
        token,
      );
      expect(send.code).toBe('NOT_FOUND');
      // Killed once it has reported progress: part of the chat is left.
      await waitForOutput(child, /purging chat/, 60_000);
      child.proc.kill('SIGKILL');
      await child.exited;
      const half = await leftOf(services, big, clientIds);
      expect(half.session).toBe(1);
      expect(half.buckets).toBeGreaterThan(0);
      expect(half.buckets).toBeLessThan(200);

      child = runMain(env);
      const [, again = ''] = await waitForOutput(child, /listening on (http:\/\/\S+)/);
      await waitForOutput(child, /finishing chats left half-purged/);
      const trash = await trpcCall<{ items: unknown[] }>(
        again,
        'query',
        'session.list',
        { view: 'trash' },
        token,
      );
      expect(trash.data?.items).toEqual([]);
      let left = half;
      const done = async () => {
        left = await leftOf(services, big, clientIds);
        return left.session + left.messages + left.buckets + left.keys === 0;
      };
      const deadline = Date.now() + 150_000;
      while (!(await done()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
      expect(left).toEqual({ session: 0, messages: 0, buckets: 0, keys: 0 });
      expect(child.output()).toMatch(/chat purged/);
      expect(await leftOf(services, neighbour, [])).toEqual({
        session: 1,
        messages: 1,
        buckets: 1,
        keys: 0,
      });
    } finally {
      child.proc.kill('SIGTERM');
      await child.exited;
      await services.bus.close();
      await db.client.close();
    }
  }, 240_000);
});
