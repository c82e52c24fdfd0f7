// Live delivery: many SSE subscribers of one session on one process, one message
// sent at a time; send-to-receive latency and server memory per idle subscriber.
import type { Bench } from './context';
import { createSessions, registerUser } from './fixtures';
import { settledMemory } from './memory';
import { fmt } from './report';
import { round, summarise } from './stats';
import { trpcMutation, trpcSubscription } from './trpcRequests';

/**
 * Sends `rounds` messages to the session one at a time; each message's latency to every
 * subscriber the load process holds, and how many it missed.
 */
export async function deliveryRounds(
  b: Bench,
  base: string,
  sessionId: string,
  token: string,
  rounds: number,
  label: string,
): Promise<{ latencies: number[]; missed: number }> {
  const latencies: number[] = [];
  let missed = 0;
  for (let r = 0; r < rounds; r++) {
    const marker = `${label}-${r}-${Date.now()}`;
    const out = await b.load.run<{ latencies: number[]; missed: number }>({
      kind: 'liveRound',
      base,
      send: trpcMutation('message.send', { sessionId, content: marker }, token),
      marker,
      timeoutMs: 10_000,
    });
    latencies.push(...out.latencies);
    missed += out.missed;
  }
  return { latencies, missed };
}

export async function measureLive(b: Bench): Promise<void> {
  const base = b.stack.parley.url;
  const subscribers = 1_000;
  const rounds = b.full ? 10 : 5;
  const { token } = await registerUser(base, 'bench_live');
  const [sessionId = ''] = await createSessions(base, token, 1);
  const subscribe = trpcSubscription('message.onNew', { sessionId }, token);
  // The first subscribers also grow what every later one shares (database pool, compiled
  // code); memory per subscriber is the growth from the next ones, on top of those.
  const warm = 100;
  b.progress(`connecting ${warm} SSE subscribers, then ${subscribers - warm} more…`);
  await b.load.run({ kind: 'liveConnect', base, subscribe, subscribers: warm });
  const before = await settledMemory();
  const more = await b.load.run<{ connected: number; seconds: number }>({
    kind: 'liveConnect',
    base,
    subscribe,
    subscribers: subscribers - warm,
  });
  const connected = { ...more, added: subscribers - warm };
  const after = await settledMemory();
  const heapPer = (after.heapUsed - before.heapUsed) / connected.added;
  const rssPer = (after.rss - before.rss) / connected.added;
  b.progress(
    `${connected.connected} connected; ${round(heapPer / 1024, 1)} KB heap, ${round(rssPer / 1024, 1)} KB RSS per subscriber`,
  );
  const { latencies, missed } = await deliveryRounds(b, base, sessionId, token, rounds, 'live');
  await b.load.run({ kind: 'liveClose' });
  const s = summarise(latencies, missed, 1);
  b.progress(`delivery p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms, missed ${missed}`);
  b.raw.live = {
    subscribers,
    rounds,
    connected,
    delivery: s,
    heapPerSubscriber: heapPer,
    rssPerSubscriber: rssPer,
  };
  b.rows.push(
    {
      what: `live: send-to-receive p50 / p99, ${connected.connected} SSE subscribers, ${rounds} messages (missed ${missed})`,
      parley: `${fmt(s.p50Ms, ' ms')} / ${fmt(s.p99Ms, ' ms')}`,
      baseline: '—',
      ratio: '—',
      target: 'p99 < 250 ms, missed 0',
    },
    {
      what: `live: server memory per idle subscriber, from ${warm} to ${subscribers} (heap+external / RSS)`,
      parley: `${fmt(heapPer / 1024, ' KB')} / ${fmt(rssPer / 1024, ' KB')}`,
      baseline: '—',
      ratio: '—',
      target: '< 50 KB',
    },
  );
}
