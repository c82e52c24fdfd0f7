// Start-up refuses a router the endpoint's own writers would serve wrongly: a lazy()
// router they cannot see, or initTRPC `sse` settings they would ignore.
import { initTRPC, lazy } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { checkRouterForWriters } from '../../src/http/routerCheck';
import { trpcHandler } from '../../src/http/trpcHandler';
import { appRouter } from '../../src/routers/app';
import type { Services } from '../../src/services';
import { testConfig } from '../support/harness';

const live = { pingMs: 15_000 };

describe('the start-up check of the router', () => {
  it('refuses a router with a lazy() router inside, naming it', () => {
    const t = initTRPC.create();
    const archive = t.router({ list: t.procedure.query(() => []) });
    const router = t.router({
      ping: t.procedure.query(() => 'pong'),
      archive: lazy(async () => archive),
    });
    expect(() => checkRouterForWriters(router, live)).toThrow(/lazy\(\) routers \(archive\)/);
  });

  it.each([
    ['ping', { ping: { enabled: true, intervalMs: 1_000 } }, /sse\.ping.*LIVE_PING_MS/],
    ['maxDurationMs', { maxDurationMs: 60_000 }, /sse\.maxDurationMs.*LIVE_STREAM_MAX_MS/],
    ['emitAndEndImmediately', { emitAndEndImmediately: true }, /sse\.emitAndEndImmediately/],
    ['enabled: false', { enabled: false }, /sse\.enabled/],
  ])('refuses initTRPC sse.%s, which the SSE writer would ignore', (_, sse, message) => {
    const t = initTRPC.create({ sse });
    const router = t.router({ ping: t.procedure.query(() => 'pong') });
    expect(() => checkRouterForWriters(router, live)).toThrow(message);
  });

  it('refuses a ping interval the clients would time out before', () => {
    const t = initTRPC.create({ sse: { client: { reconnectAfterInactivityMs: 10_000 } } });
    const router = t.router({ ping: t.procedure.query(() => 'pong') });
    expect(() => checkRouterForWriters(router, live)).toThrow(/LIVE_PING_MS \(15000\)/);
    expect(() => checkRouterForWriters(router, { pingMs: 9_000 })).not.toThrow();
  });

  it("passes Parley's router with every LIVE_PING_MS the config takes", () => {
    expect(() => checkRouterForWriters(appRouter, live)).not.toThrow();
    const highest = testConfig({ LIVE_PING_MS: '19000' }).live;
    expect(() => checkRouterForWriters(appRouter, highest)).not.toThrow();
    expect(() => testConfig({ LIVE_PING_MS: '20000' })).toThrow(/LIVE_PING_MS/);
  });

  it('runs when the endpoint is built, so a server that would break streams never starts', () => {
    const config = testConfig();
    expect(() => trpcHandler({ config } as Services)).not.toThrow();
    // A value the environment cannot give, set past the parser: the endpoint refuses it.
    config.live.pingMs = 25_000;
    expect(() => trpcHandler({ config } as Services)).toThrow(/LIVE_PING_MS \(25000\)/);
  });
});
