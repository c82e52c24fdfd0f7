// The load process: runs jobs the bench sends it over IPC, on loopback, with
// bounded concurrency, and answers with latencies. It never touches the database.
import { type ClientRequest, request } from 'node:http';
import { type ModelCall, ModelServer } from '../test/support/modelServer';
import { agentFor, type RequestSpec, send } from './http';
import { type SoakJob, soak } from './soakUsers';
import { type LatencySummary, summarise } from './stats';

export type Job =
  | {
      kind: 'closed';
      base: string;
      /** Client c sends requests[c % requests.length] again and again. */
      requests: RequestSpec[];
      concurrency: number;
      durationMs?: number;
      count?: number;
    }
  | {
      kind: 'alternate';
      base: string;
      /** One client, one connection: `run` of requests[0], `run` of requests[1], …, `rounds` times. */
      requests: RequestSpec[];
      run: number;
      rounds: number;
    }
  | { kind: 'liveConnect'; base: string; subscribe: RequestSpec; subscribers: number }
  | { kind: 'liveRound'; base: string; send: RequestSpec; marker: string; timeoutMs: number }
  | { kind: 'liveClose' }
  | { kind: 'modelStart' }
  | { kind: 'replyRound'; base: string; send: RequestSpec; tokens: number; timeoutMs: number }
  | SoakJob;

export interface ClosedResult extends LatencySummary {
  statuses: Record<string, number>;
}

async function closedLoop(job: Extract<Job, { kind: 'closed' }>): Promise<ClosedResult> {
  const agent = agentFor(job.concurrency);
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let issued = 0;
  const started = performance.now();
  const deadline = started + (job.durationMs ?? Number.POSITIVE_INFINITY);
  const more = () =>
    performance.now() < deadline && (job.count === undefined || issued < job.count);
  await Promise.all(
    Array.from({ length: job.concurrency }, async (_, c) => {
      const spec = job.requests[c % job.requests.length] as RequestSpec;
      while (more()) {
        issued++;
        try {
          const a = await send(job.base, spec, agent);
          statuses[a.status] = (statuses[a.status] ?? 0) + 1;
          if (a.status >= 200 && a.status < 300) latencies.push(a.ms);
          else errors++;
        } catch {
          errors++;
          statuses.network = (statuses.network ?? 0) + 1;
        }
      }
    }),
  );
  agent.destroy();
  return { ...summarise(latencies, errors, (performance.now() - started) / 1000), statuses };
}

interface Subscriber {
  req: ClientRequest;
  buffer: string;
  waiting: { marker: string; resolve: (at: number) => void } | null;
}

const subscribers: Subscriber[] = [];

function subscribeOnce(base: string, spec: RequestSpec): Promise<Subscriber> {
  return new Promise((resolve, reject) => {
    const sub: Subscriber = {
      req: undefined as unknown as ClientRequest,
      buffer: '',
      waiting: null,
    };
    sub.req = request(new URL(spec.path, base), { headers: spec.headers, agent: false }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`subscription answered ${res.statusCode}`));
        res.resume();
        return;
      }
      res.setEncoding('utf8');
      let connected = false;
      res.on('data', (chunk: string) => {
        const at = performance.now();
        sub.buffer += chunk;
        if (!connected) {
          connected = true;
          resolve(sub);
        }
        if (sub.waiting && sub.buffer.includes(sub.waiting.marker)) {
          sub.waiting.resolve(at);
          sub.waiting = null;
        }
        if (sub.buffer.length > 8_192) sub.buffer = sub.buffer.slice(-4_096);
      });
    });
    sub.req.on('error', reject);
    sub.req.end();
  });
}

async function liveConnect(job: Extract<Job, { kind: 'liveConnect' }>) {
  const started = performance.now();
  for (let i = 0; i < job.subscribers; i += 50) {
    const batch = Math.min(50, job.subscribers - i);
    subscribers.push(
      ...(await Promise.all(
        Array.from({ length: batch }, () => subscribeOnce(job.base, job.subscribe)),
      )),
    );
  }
  return { connected: subscribers.length, seconds: (performance.now() - started) / 1000 };
}

async function liveRound(job: Extract<Job, { kind: 'liveRound' }>) {
  return arrivalsOf(job.marker, job.timeoutMs, async () => {
    const answer = await send(job.base, job.send, agentFor(1));
    if (answer.status !== 200) throw new Error(`send answered ${answer.status}: ${answer.body}`);
  });
}

/** A stand-in model in this process, so a token's send time and its arrivals share a clock. */
let model: ModelServer | null = null;

async function modelStart() {
  model ??= await ModelServer.start();
  return { baseUrl: model.baseUrl };
}

/** Waits until every subscriber has seen `marker` (or the timeout); latencies from `emit`'s start. */
async function arrivalsOf(marker: string, timeoutMs: number, emit: () => void | Promise<void>) {
  const arrivals = subscribers.map(
    (s) =>
      new Promise<number>((resolve) => {
        s.buffer = '';
        s.waiting = { marker, resolve };
      }),
  );
  const sentAt = performance.now();
  await emit();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((r) => {
    timer = setTimeout(() => r('timeout'), timeoutMs);
  });
  const latencies: number[] = [];
  let missed = 0;
  await Promise.all(
    arrivals.map(async (a) => {
      const at = await Promise.race([a, timeout]);
      if (at === 'timeout') missed++;
      else latencies.push(at - sentAt);
    }),
  );
  clearTimeout(timer);
  for (const s of subscribers) s.waiting = null;
  return { latencies, missed };
}

/** Sends one message, then streams the reply token by token, each once all views have the one before. */
async function replyRound(job: Extract<Job, { kind: 'replyRound' }>) {
  if (!model) throw new Error('modelStart first');
  const first = model.calls.length;
  const answer = await send(job.base, job.send, agentFor(1));
  if (answer.status !== 200) throw new Error(`send answered ${answer.status}: ${answer.body}`);
  const call: ModelCall = await model.call(first, job.timeoutMs);
  const latencies: number[] = [];
  let missed = 0;
  for (let i = 0; i < job.tokens; i++) {
    const marker = `tok${i}q${Date.now().toString(36)}`;
    const out = await arrivalsOf(marker, job.timeoutMs, () => call.send(`${marker} `));
    latencies.push(...out.latencies);
    missed += out.missed;
  }
  call.finish();
  return { latencies, missed };
}

function liveClose() {
  for (const s of subscribers.splice(0)) s.req.destroy();
  return { closed: true };
}

export interface AlternateResult {
  /** Per request, its summary over the rounds; a failed answer counts as an error. */
  each: LatencySummary[];
}

async function alternate(job: Extract<Job, { kind: 'alternate' }>): Promise<AlternateResult> {
  const agent = agentFor(1);
  const latencies: number[][] = job.requests.map(() => []);
  const errors = job.requests.map(() => 0);
  for (let r = 0; r < job.rounds; r++) {
    for (const [i, spec] of job.requests.entries()) {
      for (let k = 0; k < job.run; k++) {
        try {
          const a = await send(job.base, spec, agent);
          if (a.status >= 200 && a.status < 300) latencies[i]?.push(a.ms);
          else errors[i] = (errors[i] ?? 0) + 1;
        } catch {
          errors[i] = (errors[i] ?? 0) + 1;
        }
      }
    }
  }
  agent.destroy();
  return {
    each: latencies.map((l, i) =>
      summarise(l, errors[i] ?? 0, l.reduce((a, v) => a + v, 0) / 1000),
    ),
  };
}

async function run(job: Job): Promise<unknown> {
  switch (job.kind) {
    case 'closed':
      return closedLoop(job);
    case 'alternate':
      return alternate(job);
    case 'liveConnect':
      return liveConnect(job);
    case 'liveRound':
      return liveRound(job);
    case 'liveClose':
      return liveClose();
    case 'modelStart':
      return modelStart();
    case 'replyRound':
      return replyRound(job);
    case 'soak':
      return soak(job, (line) => process.send?.({ progress: line }));
  }
}

process.on('message', (msg: { id: number; job: Job }) => {
  run(msg.job).then(
    (result) => process.send?.({ id: msg.id, result }),
    (e: Error) => process.send?.({ id: msg.id, error: e.stack ?? e.message }),
  );
});
process.on('disconnect', () => process.exit(0));
