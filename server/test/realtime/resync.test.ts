// When the bus may have lost events (Redis reconnected), it tells every listener
// to resync, and streams then read what they missed from the database.
import type { Message, SessionChange } from '@parley/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendMessage } from '../../src/chat/messages';
import { renameSession } from '../../src/chat/sessions';
import type { UserDoc } from '../../src/db/documents';
import { idString } from '../../src/db/ids';
import { busResync, InProcessBus } from '../../src/realtime/bus';
import { sessionChannel, userChannel } from '../../src/realtime/channels';
import { createCaller } from '../../src/routers/app';
import { createServices, type Services } from '../../src/services';
import { createContextInner } from '../../src/trpc/context';
import { closeServices, newUser, testServices } from '../support/harness';

describe('after a bus resync notice', () => {
  let services: Services;
  /** Writes to the same database on a bus of its own: its events never reach `services`. */
  let unheard: Services;
  let user: UserDoc;

  beforeAll(async () => {
    services = await testServices();
    unheard = createServices(services.config, services.db, new InProcessBus());
    user = (await newUser(services)).user;
  });
  afterAll(async () => {
    await closeServices(services);
  });

  const waitForListener = async (n: number) => {
    while (services.bus.listenerCount() < n) await new Promise((r) => setTimeout(r, 1));
  };

  it('a message stream delivers the messages whose events were lost, in order', async () => {
    const ac = new AbortController();
    const caller = createCaller(createContextInner({ services, user }), { signal: ac.signal });
    const session = await caller.session.create({ title: 'lost events' });
    const stream = (await caller.message.onNew({ sessionId: session.id }))[Symbol.asyncIterator]();
    const first = stream.next();
    await waitForListener(1);
    for (let i = 1; i <= 3; i++) {
      await sendMessage(unheard, user, { sessionId: session.id, content: `lost ${i}` });
    }
    await services.bus.publish(sessionChannel(session.id), busResync);
    const got = [await first, await stream.next(), await stream.next()].map(
      (r) => (r.value as unknown as [string, Message])[1].content,
    );
    expect(got).toEqual(['lost 1', 'lost 2', 'lost 3']);
    ac.abort();
    await stream.next().catch(() => {});
    expect(services.bus.listenerCount()).toBe(0);
  });

  it('a session stream re-reads the sessions changed meanwhile', async () => {
    const ac = new AbortController();
    const caller = createCaller(createContextInner({ services, user }), { signal: ac.signal });
    const session = await caller.session.create({ title: 'before' });
    const stream = (await caller.session.onChange({}))[Symbol.asyncIterator]();
    const first = stream.next();
    await waitForListener(1);
    await renameSession(unheard, user, session.id, 'renamed unheard');
    await services.bus.publish(userChannel(idString(user._id)), busResync);
    // The resync looks back a few seconds, so other recent sessions may come too.
    const changes: SessionChange[] = [];
    let next = first;
    for (let i = 0; i < 10; i++) {
      const [, change] = (await next).value as unknown as [string, SessionChange];
      changes.push(change);
      if (change.session.id === session.id) break;
      next = stream.next();
    }
    const mine = changes.filter((c) => c.session.id === session.id);
    expect(mine.map((c) => [c.kind, c.session.title])).toEqual([['updated', 'renamed unheard']]);
    ac.abort();
    await stream.next().catch(() => {});
    expect(services.bus.listenerCount()).toBe(0);
  });
});
