// The soak's simulated users (in the load process): each logs in, keeps a live
// session.onChange stream open, and loops list / read / send with think time.
import { request } from 'node:http';
import { agentFor, type RequestSpec, send } from './http';
import { type LatencySummary, summarise } from './stats';
import { resultOf, trpcMutation, trpcQuery, trpcSubscription } from './trpcRequests';

export interface SoakJob {
  kind: 'soak';
  base: string;
  users: { username: string; password: string; sessionId: string }[];
  durationMs: number;
}

export interface SoakResult {
  requests: number;
  errors: number;
  errorSamples: string[];
  streamEvents: number;
  streamDrops: number;
  byKind: Record<string, LatencySummary>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function soak(job: SoakJob, progress: (line: string) => void): Promise<SoakResult> {
  const agent = agentFor(job.users.length);
  const latencies: Record<string, number[]> = { login: [], list: [], read: [], send: [] };
  let errors = 0;
  const errorSamples: string[] = [];
  let streamEvents = 0;
  let streamDrops = 0;
  const started = performance.now();
  const deadline = started + job.durationMs;
  let ending = false;

  const timed = async (kind: string, spec: RequestSpec, from: string): Promise<string | null> => {
    try {
      const headers = { ...spec.headers, 'x-forwarded-for': from };
      const a = await send(job.base, { ...spec, headers }, agent);
      if (a.status === 200) {
        latencies[kind]?.push(a.ms);
        return a.body;
      }
      errors++;
      if (errorSamples.length < 10)
        errorSamples.push(`${kind} ${a.status} ${a.body.slice(0, 200)}`);
    } catch (e) {
      errors++;
      if (errorSamples.length < 10) errorSamples.push(`${kind} ${(e as Error).message}`);
    }
    return null;
  };

  const login = async (u: SoakJob['users'][number], from: string) => {
    const body = await timed(
      'login',
      trpcMutation('auth.login', { ...u, sessionId: undefined, refreshTransport: 'body' }),
      from,
    );
    return body ? resultOf<{ accessToken: string }>(body).accessToken : null;
  };

  const stream = (token: string) => {
    const spec = trpcSubscription('session.onChange', undefined, token);
    const req = request(new URL(spec.path, job.base), { headers: spec.headers, agent: false });
    req.on('response', (res) => {
      res.on('data', () => {
        streamEvents++;
      });
      res.on('close', () => {
        if (!ending) streamDrops++;
      });
    });
    req.on('error', () => {
      if (!ending) streamDrops++;
    });
    req.end();
    return req;
  };

  const timer = setInterval(() => {
    const s = Math.round((performance.now() - started) / 1000);
    const done = Object.values(latencies).reduce((n, l) => n + l.length, 0);
    progress(`soak ${s}s: ${done} requests, ${errors} errors, ${streamDrops} stream drops`);
  }, 30_000);

  const streams: ReturnType<typeof stream>[] = [];
  await Promise.all(
    job.users.map(async (u, i) => {
      await sleep(i * 40);
      // Each simulated user comes from its own address (the bench trusts X-Forwarded-For).
      const from = `10.0.${i >> 8}.${i & 255}`;
      let token = await login(u, from);
      if (!token) return;
      streams.push(stream(token));
      let n = 0;
      while (performance.now() < deadline) {
        n++;
        await timed('list', trpcQuery('session.list', { limit: 20 }, token), from);
        await timed(
          'read',
          trpcQuery('message.list', { sessionId: u.sessionId, limit: 50 }, token),
          from,
        );
        await timed(
          'send',
          trpcMutation('message.send', { sessionId: u.sessionId, content: `soak ${n}` }, token),
          from,
        );
        if (n % 50 === 0) token = (await login(u, from)) ?? token;
        await sleep(200 + Math.random() * 600);
      }
    }),
  );
  ending = true;
  clearInterval(timer);
  for (const s of streams) s.destroy();
  agent.destroy();
  const seconds = (performance.now() - started) / 1000;
  const byKind = Object.fromEntries(
    Object.entries(latencies).map(([k, l]) => [k, summarise(l, 0, seconds)]),
  );
  return {
    requests: Object.values(latencies).reduce((n, l) => n + l.length, 0) + errors,
    errors,
    errorSamples,
    streamEvents,
    streamDrops,
    byKind,
  };
}
