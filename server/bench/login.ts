// auth.login throughput against the raw bcrypt.compare rate at the same cost in
// the same process: login should cost bcrypt and little else.
import bcrypt from 'bcrypt';
import type { Bench } from './context';
import { benchPassword, registerUser } from './fixtures';
import { fmt, fmtRatio } from './report';
import { rateOf, ratio, round } from './stats';
import { trpcMutation } from './trpcRequests';
import type { ClosedResult } from './worker';

function compareRate(hash: string, concurrency: number, ms: number): Promise<number> {
  return rateOf(concurrency, ms, () => bcrypt.compare(benchPassword, hash));
}

export async function measureLogin(b: Bench): Promise<void> {
  const base = b.stack.parley.url;
  const { passwords } = b.stack.parley.services;
  await registerUser(base, 'bench_login');
  const ms = b.full ? 8_000 : 3_000;
  // bcrypt runs as many at once as the server allows; the clients keep it busy.
  const bcryptAtOnce = b.stack.parley.services.config.bcrypt.concurrency;
  const concurrency = bcryptAtOnce * 2;
  const requests = [
    trpcMutation('auth.login', {
      username: 'bench_login',
      password: benchPassword,
      refreshTransport: 'body',
    }),
  ];
  await b.load.run({ kind: 'closed', base, requests, concurrency, count: concurrency });
  const hash = await bcrypt.hash(benchPassword, passwords.cost);
  // Raw rate before and after the logins, so drift on a shared machine hits both sides.
  const before = await compareRate(hash, bcryptAtOnce, ms / 2);
  const login = await b.load.run<ClosedResult>({
    kind: 'closed',
    base,
    requests,
    concurrency,
    durationMs: ms,
  });
  const after = await compareRate(hash, bcryptAtOnce, ms / 2);
  const raw = round((before + after) / 2, 1);
  b.progress(`auth.login ${login.perSecond}/s (errors ${login.errors}), bcrypt.compare ${raw}/s`);
  b.raw.login = {
    login,
    bcryptComparePerSecond: raw,
    cost: passwords.cost,
    concurrency,
    bcryptAtOnce,
  };
  b.rows.push({
    what: `auth.login/s vs bcrypt.compare/s (cost ${passwords.cost}, ${bcryptAtOnce} at once)`,
    parley: fmt(login.perSecond),
    baseline: fmt(raw),
    ratio: fmtRatio(ratio(login.perSecond, raw)),
    target: '≥ 0.9x',
  });
}
