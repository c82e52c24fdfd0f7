// The database doctor: finds what the old service's bug left behind and what
// breaks string ids, and with `fix` repairs it or moves it to quarantine. Checks
// run in order, each on the data the previous one repaired.
import type { Database } from '../db/database';
import { badIds } from './checks/badIds';
import { orphanMessages } from './checks/orphanMessages';
import { sessionIndexes } from './checks/sessionIndexes';
import { sessionState } from './checks/sessionState';
import { stringRefs } from './checks/stringRefs';
import { usernames } from './checks/usernames';
import type { Check, Finding, Progress } from './types';

export type { Finding } from './types';

export const checks: Check[] = [
  badIds,
  usernames,
  stringRefs,
  orphanMessages,
  sessionState,
  sessionIndexes,
];

export interface DoctorReport {
  fix: boolean;
  findings: Finding[];
  /** Total problems found, repaired, quarantined, and left for a person to decide. */
  found: number;
  repaired: number;
  quarantined: number;
  manual: number;
}

export async function runDoctor(
  db: Database,
  opts: { fix?: boolean; progress?: Progress } = {},
): Promise<DoctorReport> {
  const fix = opts.fix ?? false;
  const progress = opts.progress ?? (() => {});
  const findings: Finding[] = [];
  for (const check of checks) findings.push(...(await check.run({ db, fix, progress })));
  const sum = (key: 'count' | 'repaired' | 'quarantined') =>
    findings.reduce((n, f) => n + f[key], 0);
  return {
    fix,
    findings,
    found: sum('count'),
    repaired: sum('repaired'),
    quarantined: sum('quarantined'),
    manual: fix ? sum('count') - sum('repaired') - sum('quarantined') : 0,
  };
}
