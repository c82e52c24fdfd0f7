// The embedded database's capacity: on 20,000 (quick) or 100,000 (full) messages,
// Parley's hot reads and a send, each beside session.get of the same session, and
// the same first page read the obvious way with the bare driver.

import { findUserByName } from '../src/auth/users';
import { encodeCursor } from '../src/chat/cursor';
import type { Bench } from './context';
import { registerUser } from './fixtures';
import type { RequestSpec } from './http';
import { fmt, fmtRatio } from './report';
import { seedCapacity } from './seed';
import { type LatencySummary, ratio, round, summarise } from './stats';
import { trpcMutation, trpcQuery } from './trpcRequests';
import type { AlternateResult } from './worker';

export async function measureCapacity(b: Bench): Promise<void> {
  const { db } = b.stack.parley.services;
  const base = b.stack.parley.url;
  const total = b.full ? 100_000 : 20_000;
  const bigCount = 10_000;
  const size = `${(total / 1000).toFixed(0)}k msgs`;
  const { token } = await registerUser(base, 'bench_capacity');
  const owner = await findUserByName(db, 'bench_capacity');
  if (!owner) throw new Error('capacity user missing');
  b.progress(
    `seeding ${total.toLocaleString('en-US')} messages in 1,000 sessions (one of ${bigCount.toLocaleString('en-US')})…`,
  );
  const seeded = await seedCapacity(db, owner, total, bigCount, b.progress);
  b.progress(
    `seeded in ${round(seeded.insertSeconds, 1)} s; rebuilt the large session's read model in ${round(seeded.rebuildSeconds, 1)} s`,
  );
  const sessionId = seeded.bigSession.toHexString();
  const get = trpcQuery('session.get', { id: sessionId }, token);
  /**
   * session.get and `spec` take turns on one connection, five requests at a time, so
   * the machine's drift falls on both alike (and a turn is long enough that what one
   * request leaves to collect barely touches the other's median).
   */
  const sideBySide = async (spec: RequestSpec) => {
    const requests = [get, spec];
    await b.load.run<AlternateResult>({ kind: 'alternate', base, requests, run: 3, rounds: 1 });
    const rounds = b.full ? 15 : 6;
    const { each } = await b.load.run<AlternateResult>({
      kind: 'alternate',
      base,
      requests,
      run: 5,
      rounds,
    });
    const [sessionGet, parley] = each as [LatencySummary, LatencySummary];
    return { parley, sessionGet };
  };
  const deepCursor = encodeCursor({ s: sessionId, b: bigCount - 9_000 + 1 });
  const cases: Array<[string, RequestSpec, string]> = [
    [
      'message.list first page (50)',
      trpcQuery('message.list', { sessionId, limit: 50 }, token),
      '≤ 5x',
    ],
    [
      'message.list page 9,000 deep (50)',
      trpcQuery('message.list', { sessionId, limit: 50, cursor: deepCursor }, token),
      '≤ 5x',
    ],
    ['session.list first page (20)', trpcQuery('session.list', { limit: 20 }, token), 'report'],
    [
      'message.send',
      trpcMutation('message.send', { sessionId, content: 'capacity probe' }, token),
      'report',
    ],
  ];
  const raw: Record<string, unknown> = {
    seeded: { ...seeded, owner: undefined, bigSession: sessionId },
  };
  let firstPage: LatencySummary | undefined;
  for (const [what, spec, target] of cases) {
    const { parley: m, sessionGet } = await sideBySide(spec);
    const getP50 = sessionGet.p50Ms;
    b.progress(`${what}: p50 ${m.p50Ms} ms (errors ${m.errors}) vs session.get ${getP50} ms`);
    raw[what] = { parley: m, sessionGet };
    if (what.startsWith('message.list first')) firstPage = m;
    b.rows.push({
      what: `${size}: ${what} p50 vs session.get p50`,
      parley: fmt(m.p50Ms, ' ms', 2),
      baseline: fmt(getP50, ' ms', 2),
      ratio: fmtRatio(ratio(m.p50Ms, getP50)),
      target,
    });
  }

  // The obvious way: filter by session, sort, limit, with the bare driver (no HTTP).
  const obvious: number[] = [];
  for (let i = 0; i < (b.full ? 5 : 3); i++) {
    const t = performance.now();
    await db.messages
      .find({ session_id: seeded.bigSession })
      .sort({ created_at: -1 })
      .limit(50)
      .toArray();
    obvious.push(performance.now() - t);
  }
  const o = summarise(obvious, 0, 1);
  raw.obviousFirstPage = o;
  b.progress(`the obvious first page (find/sort/limit): p50 ${o.p50Ms} ms`);
  b.rows.push({
    what: `${size}: first page the obvious way (driver find by session_id, sort, limit; no HTTP) vs Parley's page over HTTP`,
    parley: fmt(firstPage?.p50Ms ?? Number.NaN, ' ms', 2),
    baseline: fmt(o.p50Ms, ' ms'),
    ratio: `obvious is ${fmtRatio(ratio(o.p50Ms, firstPage?.p50Ms ?? Number.NaN))} slower`,
    target: 'report',
  });
  b.rows.push({
    what: `${size}: seeding by bulk insert / rebuildReadModel of the ${bigCount.toLocaleString('en-US')}-message session`,
    parley: `${fmt(seeded.insertSeconds, ' s')} / ${fmt(seeded.rebuildSeconds, ' s')}`,
    baseline: '—',
    ratio: '—',
    target: 'report',
  });
  b.raw.capacity = raw;
}
