// Each of Parley's ways around stock tRPC beside stock tRPC, in the same run, in
// alternating rounds on one set of services (bench/sideServers.ts): GET queries
// (http/queries.ts) against resolveResponse over tRPC's node-http adapter; the lean
// Node I/O the mutation path once had against that adapter, which it now uses (on
// message.send, and on a mutation with no database work to show the I/O alone); and
// SSE (http/subscriptions.ts) against tRPC's own producer (bench/bypassLive.ts).
import { measureLiveBypass } from './bypassLive';
import { type Bench, cpuDuring } from './context';
import { createSessions, registerUser } from './fixtures';
import type { RequestSpec } from './http';
import { fmt, fmtRatio } from './report';
import { startSideServers } from './sideServers';
import { median, round } from './stats';
import { trpcMutation, trpcQuery } from './trpcRequests';
import type { ClosedResult } from './worker';

interface Side {
  base: string;
  requests: RequestSpec[];
}

interface Rounds {
  cpuUs: number[];
  p50Ms: number[];
  p99Ms: number[];
  errors: number;
}

/** Per round and side: Node CPU per request, p50 and p99; sides take turns, so drift falls on both. */
async function alternate(b: Bench, sides: Side[], concurrency: number): Promise<Rounds[]> {
  const rounds = b.full ? 9 : 5;
  const durationMs = b.full ? 2_000 : 800;
  const out: Rounds[] = sides.map(() => ({ cpuUs: [], p50Ms: [], p99Ms: [], errors: 0 }));
  const job = (s: Side, ms: number) =>
    b.load.run<ClosedResult>({ kind: 'closed', ...s, concurrency, durationMs: ms });
  for (const s of sides) await job(s, 300);
  for (let r = 0; r < rounds; r++) {
    // Who goes first swaps every round: neither side always follows the other's garbage.
    const order = r % 2 ? [...sides.keys()].reverse() : [...sides.keys()];
    for (const i of order) {
      const { result, cpuUs } = await cpuDuring(() => job(sides[i] as Side, durationMs));
      const o = out[i] as Rounds;
      o.cpuUs.push(cpuUs / Math.max(result.count, 1));
      o.p50Ms.push(result.p50Ms);
      o.p99Ms.push(result.p99Ms);
      o.errors += result.errors;
    }
  }
  return out;
}

/** The median over rounds of one side's figure over the other's from the same round. */
const paired = (a: number[], b: number[]) =>
  round(median(a.map((v, i) => v / (b[i] ?? Number.NaN))), 2);

function pairRows(b: Bench, what: string, ours: Rounds, stock: Rounds, target: string) {
  const m = (xs: number[], d = 2) => round(median(xs), d);
  b.progress(
    `  ${what}: ${m(ours.cpuUs, 0)} µs vs ${m(stock.cpuUs, 0)} µs per request; p50 ${m(ours.p50Ms)} vs ${m(stock.p50Ms)} ms, p99 ${m(ours.p99Ms)} vs ${m(stock.p99Ms)} ms (errors ${ours.errors}/${stock.errors})`,
  );
  b.rows.push(
    {
      what: `${what}: Node CPU per request (16 clients)`,
      parley: fmt(m(ours.cpuUs, 0), ' µs', 0),
      baseline: fmt(m(stock.cpuUs, 0), ' µs', 0),
      ratio: fmtRatio(paired(ours.cpuUs, stock.cpuUs)),
      target,
    },
    {
      what: `${what}: p50 / p99 (16 clients)`,
      parley: `${fmt(m(ours.p50Ms), ' ms', 2)} / ${fmt(m(ours.p99Ms), ' ms', 2)}`,
      baseline: `${fmt(m(stock.p50Ms), ' ms', 2)} / ${fmt(m(stock.p99Ms), ' ms', 2)}`,
      ratio: `p50 ${fmtRatio(paired(ours.p50Ms, stock.p50Ms))}, p99 ${fmtRatio(paired(ours.p99Ms, stock.p99Ms))}`,
      target: 'report',
    },
  );
}

/** `bases`: the way measured, then the one it is measured against; rows for both. */
async function compare(
  b: Bench,
  what: string,
  bases: [string, string],
  requests: RequestSpec[],
  target: string,
) {
  b.progress(`${what}, in alternating rounds…`);
  const sides = bases.map((base) => ({ base, requests }));
  const [ours, theirs] = (await alternate(b, sides, 16)) as [Rounds, Rounds];
  pairRows(b, what, ours, theirs, target);
  return { ours, theirs };
}

export async function measureBypasses(b: Bench): Promise<void> {
  const streams = b.full ? 1_000 : 500;
  const servers = await startSideServers(b.stack, streams);
  try {
    const { token } = await registerUser(servers.parley, 'bench_bypasses');
    const sessions = await createSessions(servers.parley, token, 16);
    const list = sessions.map((sessionId) =>
      trpcQuery('message.list', { sessionId, limit: 50 }, token),
    );
    const sends = sessions.map((sessionId) =>
      trpcMutation(
        'message.send',
        { sessionId, content: 'a bypass probe of a typical length' },
        token,
      ),
    );
    const send = await compare(
      b,
      'message.send through resolveResponse with lean Node I/O vs tRPC’s node-http adapter (Parley’s)',
      [servers.lean, servers.parley],
      sends,
      'report',
    );
    // A mutation with no database work (no refresh credential to revoke): the I/O alone.
    const logout = await compare(
      b,
      'auth.logout (no database work), the same two ways',
      [servers.lean, servers.parley],
      [trpcMutation('auth.logout', {})],
      'report',
    );
    const query = await compare(
      b,
      'message.list (50): http/queries.ts vs stock tRPC (node-http adapter)',
      [servers.parley, servers.stock],
      list,
      '< 1x',
    );
    b.raw.bypasses = { send, logout, query };
    await measureLiveBypass(b, servers, token, sessions[0] ?? '', streams);
  } finally {
    await servers.close();
  }
}
