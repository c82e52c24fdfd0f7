// No leaks: every way a stream ends (the client aborts, the consumer stops reading,
// the subscription is refused, the HTTP client disconnects) removes its bus listener.
import type { Message } from '@parley/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserDoc } from '../../src/db/documents';
import { createCaller } from '../../src/routers/app';
import type { Services } from '../../src/services';
import { createContextInner } from '../../src/trpc/context';
import { closeServices, newUser, startTestServer, testServices } from '../support/harness';
import { clientFor, record, tokenFor, waitFor } from './support';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('listeners after 1,000 subscribe/unsubscribe cycles', () => {
  let services: Services;
  let user: UserDoc;
  let sessionId: string;
  let othersSessionId: string;

  beforeAll(async () => {
    services = await testServices();
    const me = await newUser(services);
    user = me.user;
    sessionId = (await me.caller.session.create({ title: 'watched' })).id;
    const other = await newUser(services);
    othersSessionId = (await other.caller.session.create({ title: 'not mine' })).id;
  });
  afterAll(async () => {
    await closeServices(services);
  });

  it('leave the bus listener count where it started', async () => {
    const before = services.bus.listenerCount();
    let aborted = 0;
    let stopped = 0;
    let refused = 0;
    for (let i = 0; i < 1_000; i++) {
      const ac = new AbortController();
      const caller = createCaller(createContextInner({ services, user }), { signal: ac.signal });
      const kind = i % 10;
      if (kind === 0) {
        // A refused subscription (someone else's session) must not keep its listener.
        const stream = await caller.message.onNew({ sessionId: othersSessionId });
        await stream[Symbol.asyncIterator]()
          .next()
          .then(
            () => {
              throw new Error('expected NOT_FOUND');
            },
            () => refused++,
          );
      } else if (kind === 1) {
        // The consumer takes one event and stops reading (for await ... break).
        const stream = await caller.message.onNew({ sessionId });
        const it = stream[Symbol.asyncIterator]();
        const first = it.next();
        while (services.bus.listenerCount() === before) await tick();
        await caller.message.send({ sessionId, content: `m${i}` });
        // Through a caller, a tracked event is tRPC's envelope: [id, data, marker].
        const [id, message] = (await first).value as unknown as [string, Message];
        expect([id, message.content]).toEqual([String(message.seq), `m${i}`]);
        await it.return?.();
        stopped++;
      } else {
        // The client goes away while the stream waits for events.
        const stream =
          kind % 2 === 0
            ? await caller.message.onNew({ sessionId })
            : await caller.session.onChange({});
        const next = stream[Symbol.asyncIterator]().next();
        while (services.bus.listenerCount() === before) await tick();
        ac.abort();
        await next.then(
          () => {
            throw new Error('expected the stream to end with an AbortError');
          },
          (e: Error) => expect(e.name).toBe('AbortError'),
        );
        aborted++;
      }
    }
    expect({ aborted, stopped, refused }).toEqual({ aborted: 800, stopped: 100, refused: 100 });
    expect(services.bus.listenerCount()).toBe(before);
  });
});

describe('listeners after HTTP subscribe/unsubscribe cycles', () => {
  it('every closed SSE connection removes its listener on the server', async () => {
    const server = await startTestServer();
    try {
      const { user, caller } = await newUser(server.services);
      const session = await caller.session.create({ title: 'http' });
      const client = clientFor(server.url, tokenFor(server.services, user));
      const bus = server.services.bus;
      const before = bus.listenerCount();
      for (let round = 0; round < 5; round++) {
        const recs = Array.from({ length: 10 }, (_, i) =>
          i % 2 === 0
            ? record((h) => client.message.onNew.subscribe({ sessionId: session.id }, h))
            : record((h) => client.session.onChange.subscribe({}, h)),
        );
        await waitFor('10 streams open', () => recs.every((r) => r.starts === 1));
        await waitFor('10 listeners', () => bus.listenerCount() === before + 10);
        for (const r of recs) r.unsubscribe();
        await waitFor('listeners gone', () => bus.listenerCount() === before, 5_000);
      }
      expect(bus.listenerCount()).toBe(before);
    } finally {
      await server.stop();
    }
  });
});
