// Full mode's soak: 5 minutes of mixed traffic from 50 simulated users (log in,
// list, read, send, a live stream each); error rate and server memory drift.
import type { Bench } from './context';
import { benchPassword, createSessions, registerUser } from './fixtures';
import { settledMemory } from './memory';
import { fmt } from './report';
import type { SoakResult } from './soakUsers';
import { round } from './stats';

const users = 50;
const durationMs = 5 * 60_000;
const warmUpMs = 30_000;

export async function measureSoak(b: Bench): Promise<void> {
  const base = b.stack.parley.url;
  const people: { username: string; password: string; sessionId: string }[] = [];
  for (let i = 0; i < users; i++) {
    const username = `soak_${i}`;
    const { token } = await registerUser(base, username);
    const [sessionId = ''] = await createSessions(base, token, 1);
    people.push({ username, password: benchPassword, sessionId });
  }
  b.progress(`${users} users ready; running for ${durationMs / 60_000} minutes…`);
  const running = b.load.run<SoakResult>({ kind: 'soak', base, users: people, durationMs });
  await new Promise((r) => setTimeout(r, warmUpMs));
  const warm = await settledMemory();
  const samples = [{ at: warmUpMs / 1000, ...warm }];
  const sampler = setInterval(() => {
    void settledMemory().then((m) =>
      samples.push({ at: samples.length * 30 + warmUpMs / 1000, ...m }),
    );
  }, 30_000);
  const result = await running;
  clearInterval(sampler);
  const end = await settledMemory();
  const drift = (end.heapUsed - warm.heapUsed) / warm.heapUsed;
  const errorRate = result.errors / Math.max(result.requests, 1);
  b.progress(
    `soak: ${result.requests} requests, ${result.errors} errors, ${result.streamDrops} stream drops; heap ${round(warm.heapUsed / 2 ** 20, 1)} → ${round(end.heapUsed / 2 ** 20, 1)} MiB`,
  );
  b.raw.soak = { ...result, memory: { warm, end, samples } };
  b.rows.push(
    {
      what: `soak ${durationMs / 60_000} min, ${users} users: error rate (${result.errors} of ${result.requests}; ${result.streamDrops} stream drops)`,
      parley: fmt(errorRate * 100, ' %', 3),
      baseline: '—',
      ratio: '—',
      target: '0',
    },
    {
      what: 'soak: server heap after warm-up → at the end (drift)',
      parley: `${fmt(warm.heapUsed / 2 ** 20, ' MiB')} → ${fmt(end.heapUsed / 2 ** 20, ' MiB')} (${fmt(drift * 100, ' %')})`,
      baseline: '—',
      ratio: '—',
      target: 'within 20 %',
    },
  );
  for (const s of new Set(result.errorSamples)) b.notes.push(`soak error: ${s.slice(0, 160)}`);
}
