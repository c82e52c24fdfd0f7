// message.send over HTTP at 1, 16 and 64 clients against the bare handler (16
// clients both in 16 sessions and in one: the anchor's workload), with database
// CPU per send, and Node CPU per request for message.send and message.list.
import { type Bench, cpuDuring } from './context';
import { dbCpuDuring } from './dbCpu';
import { bareSessions, createSessions, registerUser } from './fixtures';
import type { RequestSpec } from './http';
import { fmt, fmtRatio } from './report';
import { median, ratio, round } from './stats';
import { trpcMutation, trpcQuery } from './trpcRequests';
import type { ClosedResult } from './worker';

const levels = [1, 16, 64];

async function measure(b: Bench, base: string, requests: RequestSpec[], concurrency: number) {
  const durationMs = b.full ? 10_000 : 2_500;
  await b.load.run<ClosedResult>({ kind: 'closed', base, requests, concurrency, durationMs: 400 });
  const { result: measured, dbCpuMs } = await dbCpuDuring(b.stack.embedded.pid, () =>
    cpuDuring(() =>
      b.load.run<ClosedResult>({ kind: 'closed', base, requests, concurrency, durationMs }),
    ),
  );
  const { result, cpuUs } = measured;
  const n = Math.max(result.count, 1);
  return {
    ...result,
    cpuUsPerRequest: round(cpuUs / n, 0),
    dbCpuMsPerRequest: round(dbCpuMs / n, 2),
  };
}

type Measured = Awaited<ReturnType<typeof measure>>;

/** The rows of one send workload: rate, latency and database CPU, Parley beside the bare handler. */
function sendRows(b: Bench, label: string, p: Measured, q: Measured, anchor: boolean): void {
  b.rows.push(
    {
      what: `message.send req/s, ${label}`,
      parley: fmt(p.perSecond),
      baseline: fmt(q.perSecond),
      ratio: fmtRatio(ratio(p.perSecond, q.perSecond)),
      target: anchor ? '≥ 6x' : '≥ 0.8x',
    },
    {
      what: `message.send p50 / p99, ${label}`,
      parley: `${fmt(p.p50Ms, ' ms')} / ${fmt(p.p99Ms, ' ms')}`,
      baseline: `${fmt(q.p50Ms, ' ms')} / ${fmt(q.p99Ms, ' ms')}`,
      ratio: `p99 ${fmtRatio(ratio(p.p99Ms, q.p99Ms))}`,
      target: anchor ? 'p99 ≤ 1x' : 'p99 ≤ 1.5x',
    },
  );
  if (!anchor) return;
  b.rows.push({
    what: `database CPU per send, ${label}`,
    parley: fmt(p.dbCpuMsPerRequest, ' ms', 2),
    baseline: fmt(q.dbCpuMsPerRequest, ' ms', 2),
    ratio: fmtRatio(ratio(p.dbCpuMsPerRequest, q.dbCpuMsPerRequest)),
    target: 'Parley ≤ 2 ms',
  });
}

async function sendPair(b: Bench, label: string, parley: Side, bare: Side, c: number) {
  b.progress(`message.send, ${label}: Parley…`);
  const p = await measure(b, parley.base, parley.requests, c);
  const show = (m: Measured) =>
    `${m.perSecond} req/s, p50 ${m.p50Ms} ms, p99 ${m.p99Ms} ms, database ${m.dbCpuMsPerRequest} ms/send, errors ${m.errors}`;
  b.progress(`  ${show(p)}; bare handler…`);
  const q = await measure(b, bare.base, bare.requests, c);
  b.progress(`  ${show(q)}`);
  return { parley: p, bare: q };
}

/**
 * Node CPU per request of each side, in alternating rounds (Parley, baseline, …),
 * so the machine's drift falls on both alike: per round, each side's µs per request.
 */
async function cpuRounds(b: Bench, sides: Side[], concurrency: number): Promise<number[][]> {
  const rounds = b.full ? 9 : 7;
  const durationMs = b.full ? 2_500 : 1_000;
  const perRound: number[][] = sides.map(() => []);
  for (const { base, requests } of sides) {
    await b.load.run<ClosedResult>({
      kind: 'closed',
      base,
      requests,
      concurrency,
      durationMs: 400,
    });
  }
  for (let r = 0; r < rounds; r++) {
    for (const [i, { base, requests }] of sides.entries()) {
      const { result, cpuUs } = await cpuDuring(() =>
        b.load.run<ClosedResult>({ kind: 'closed', base, requests, concurrency, durationMs }),
      );
      perRound[i]?.push(cpuUs / Math.max(result.count, 1));
    }
  }
  return perRound;
}

/** The median over rounds of Parley's figure over the baseline's from the same round. */
function pairedRatio(parley: number[], baseline: number[]): number {
  return round(median(parley.map((p, i) => p / (baseline[i] ?? Number.NaN))), 2);
}

type Side = { base: string; requests: RequestSpec[] };

/**
 * CPU per request of Parley, the bare handler, and the bare handler making Parley's
 * lookups too: each side's median round, and the median of the rounds' ratios.
 */
async function cpuRows(
  b: Bench,
  call: string,
  lookups: string,
  sides: { parley: Side; bare: Side; bareWithReads: Side },
) {
  b.progress(
    `Node CPU per ${call}, 16 clients, in alternating rounds: Parley, bare, bare with lookups…`,
  );
  const [p = [], q = [], r = []] = await cpuRounds(
    b,
    [sides.parley, sides.bare, sides.bareWithReads],
    16,
  );
  const [parley, bare, bareWithReads] = [p, q, r].map((xs) => round(median(xs), 0)) as [
    number,
    number,
    number,
  ];
  b.progress(`  ${parley} µs, ${bare} µs, ${bareWithReads} µs`);
  b.rows.push(
    {
      what: `Node CPU per ${call} (16 clients)`,
      parley: fmt(parley, ' µs', 0),
      baseline: fmt(bare, ' µs', 0),
      ratio: fmtRatio(pairedRatio(p, q)),
      target: '≤ 1.5x',
    },
    {
      what: `… the same, baseline also making ${lookups}`,
      parley: fmt(parley, ' µs', 0),
      baseline: fmt(bareWithReads, ' µs', 0),
      ratio: fmtRatio(pairedRatio(p, r)),
      target: 'report',
    },
  );
  return { parley, bare, bareWithReads, rounds: { parley: p, bare: q, bareWithReads: r } };
}

export async function measureThroughput(b: Bench): Promise<void> {
  const parleyBase = b.stack.parley.url;
  const bareBase = b.stack.bare.url;
  const { token } = await registerUser(parleyBase, 'bench_sender');
  const parleySessions = await createSessions(parleyBase, token, 64);
  const bareIds = await bareSessions(b.stack.parley.services.db, 64);
  const parleySend = parleySessions.map((sessionId) =>
    trpcMutation(
      'message.send',
      { sessionId, content: 'a benchmark message of a typical length' },
      token,
    ),
  );
  const bareSend: RequestSpec[] = bareIds.map((sessionId) => ({
    method: 'POST',
    path: '/send',
    body: JSON.stringify({ sessionId, content: 'a benchmark message of a typical length' }),
  }));
  const raw: Record<string, unknown> = {};
  const parleySide = { base: parleyBase, requests: parleySend };
  const bareSide = { base: bareBase, requests: bareSend };
  for (const c of levels) {
    // Client i writes to session i: 16 clients are 16 people in 16 sessions.
    const label = c === 16 ? '16 clients in 16 sessions' : `${c} client(s)`;
    const pair = await sendPair(b, label, parleySide, bareSide, c);
    raw[`send_c${c}`] = pair;
    sendRows(b, label, pair.parley, pair.bare, c === 16);
  }
  // A room of 16 people: every client writes to the same session.
  const one = '16 clients in one session';
  const inOne = await sendPair(
    b,
    one,
    { base: parleyBase, requests: parleySend.slice(0, 1) },
    { base: bareBase, requests: bareSend.slice(0, 1) },
    16,
  );
  raw.send_c16_one_session = inOne;
  sendRows(b, one, inOne.parley, inOne.bare, true);
  raw.cpu_send_c16 = await cpuRows(
    b,
    'message.send',
    "Parley's two lookups (user, session by _id)",
    {
      parley: { base: parleyBase, requests: parleySend },
      bare: { base: bareBase, requests: bareSend },
      bareWithReads: {
        base: bareBase,
        requests: bareSend.map((r) => ({ ...r, path: `${r.path}?reads=1` })),
      },
    },
  );

  b.progress('message.list (50 newest) with 16 clients: Parley, then bare handler…');
  const parleyList = parleySessions
    .slice(0, 16)
    .map((sessionId) => trpcQuery('message.list', { sessionId, limit: 50 }, token));
  const bareList: RequestSpec[] = bareIds
    .slice(0, 16)
    .map((sessionId) => ({ method: 'GET', path: `/list?sessionId=${sessionId}` }));
  const pl = await measure(b, parleyBase, parleyList, 16);
  const bl = await measure(b, bareBase, bareList, 16);
  raw.list_c16 = { parley: pl, bare: bl };
  raw.cpu_list_c16 = await cpuRows(b, 'message.list', 'the user lookup by _id', {
    parley: { base: parleyBase, requests: parleyList },
    bare: { base: bareBase, requests: bareList },
    bareWithReads: {
      base: bareBase,
      requests: bareList.map((r) => ({ ...r, path: `${r.path}&reads=1` })),
    },
  });
  b.rows.push({
    what: 'message.list req/s (16 clients)',
    parley: fmt(pl.perSecond),
    baseline: fmt(bl.perSecond),
    ratio: fmtRatio(ratio(pl.perSecond, bl.perSecond)),
    target: 'report',
  });
  b.raw.throughput = raw;
}
