// SSE at many streams, Parley's writer (http/subscriptions.ts) beside tRPC's own
// producer on the same services: streams of one session on loopback, one message
// sent at a time; send-to-receive p99 and server memory per stream. Sides take turns.
import type { Bench } from './context';
import { settledMemory } from './memory';
import { fmt, fmtRatio } from './report';
import type { SideServers } from './sideServers';
import { ratio, round, summarise } from './stats';
import { trpcMutation, trpcSubscription } from './trpcRequests';

interface LiveSide {
  latencies: number[];
  missed: number;
  bytesPerStream: number[];
}

async function oneTurn(
  b: Bench,
  base: string,
  servers: SideServers,
  token: string,
  sessionId: string,
  streams: number,
  into: LiveSide,
): Promise<void> {
  const subscribe = trpcSubscription('message.onNew', { sessionId }, token);
  const standing = servers.services.bus.listenerCount();
  // The first streams also grow what all later ones share: memory per stream is the growth after them.
  const warm = 50;
  await b.load.run({ kind: 'liveConnect', base, subscribe, subscribers: warm });
  const before = await settledMemory();
  await b.load.run({ kind: 'liveConnect', base, subscribe, subscribers: streams - warm });
  const after = await settledMemory();
  into.bytesPerStream.push((after.heapUsed - before.heapUsed) / (streams - warm));
  for (let r = 0; r < (b.full ? 5 : 3); r++) {
    const marker = `bypass-${r}-${Date.now()}`;
    const out = await b.load.run<{ latencies: number[]; missed: number }>({
      kind: 'liveRound',
      base: servers.parley,
      send: trpcMutation('message.send', { sessionId, content: marker }, token),
      marker,
      timeoutMs: 10_000,
    });
    into.latencies.push(...out.latencies);
    into.missed += out.missed;
  }
  await b.load.run({ kind: 'liveClose' });
  // Every stream's end has reached the server (its bus listener is gone) before the next turn.
  const deadline = Date.now() + 10_000;
  while (servers.services.bus.listenerCount() > standing && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
}

export async function measureLiveBypass(
  b: Bench,
  servers: SideServers,
  token: string,
  sessionId: string,
  streams: number,
): Promise<void> {
  const sides = {
    parley: { latencies: [], missed: 0, bytesPerStream: [] } as LiveSide,
    stock: { latencies: [], missed: 0, bytesPerStream: [] } as LiveSide,
  };
  const turns = b.full ? 2 : 1;
  for (let t = 0; t < turns; t++) {
    for (const name of t % 2 ? (['stock', 'parley'] as const) : (['parley', 'stock'] as const)) {
      b.progress(
        `SSE, ${streams} streams of one session: ${name === 'parley' ? 'http/subscriptions.ts' : 'tRPC’s producer'}…`,
      );
      const base = name === 'parley' ? servers.parley : servers.stock;
      await oneTurn(b, base, servers, token, sessionId, streams, sides[name]);
    }
  }
  const summary = (side: LiveSide) => ({
    delivery: summarise(side.latencies, side.missed, 1),
    kbPerStream: round(
      side.bytesPerStream.reduce((a, v) => a + v, 0) / side.bytesPerStream.length / 1024,
      1,
    ),
  });
  const p = summary(sides.parley);
  const s = summary(sides.stock);
  b.progress(
    `  fan-out p50 / p99 ${p.delivery.p50Ms} / ${p.delivery.p99Ms} ms vs ${s.delivery.p50Ms} / ${s.delivery.p99Ms} ms; ${p.kbPerStream} vs ${s.kbPerStream} KB per stream (missed ${p.delivery.errors}/${s.delivery.errors})`,
  );
  b.raw.bypassLive = { streams, parley: p, stock: s };
  b.rows.push(
    {
      what: `SSE fan-out p50 / p99, ${streams} streams: http/subscriptions.ts vs tRPC’s producer (missed ${p.delivery.errors}/${s.delivery.errors})`,
      parley: `${fmt(p.delivery.p50Ms, ' ms')} / ${fmt(p.delivery.p99Ms, ' ms')}`,
      baseline: `${fmt(s.delivery.p50Ms, ' ms')} / ${fmt(s.delivery.p99Ms, ' ms')}`,
      ratio: `p99 ${fmtRatio(ratio(p.delivery.p99Ms, s.delivery.p99Ms))}`,
      target: '< 1x',
    },
    {
      what: `SSE memory per stream (heap + external), ${streams} streams: http/subscriptions.ts vs tRPC’s producer`,
      parley: fmt(p.kbPerStream, ' KB'),
      baseline: fmt(s.kbPerStream, ' KB'),
      ratio: fmtRatio(ratio(p.kbPerStream, s.kbPerStream)),
      target: '< 1x',
    },
  );
}
