// What every doctor check shares: the database, whether to repair, a progress
// callback, and the finding it reports for each kind of damage.
import type { Database } from '../db/database';

export type Progress = (step: string, done: number, total: number) => void;

export interface DoctorContext {
  db: Database;
  /** Repair (and quarantine) rather than only report. */
  fix: boolean;
  progress: Progress;
}

/** One kind of damage: how much was found, a few examples, and what --fix did. */
export interface Finding {
  kind: string;
  label: string;
  count: number;
  examples: string[];
  repaired: number;
  quarantined: number;
}

export interface Check {
  name: string;
  run(ctx: DoctorContext): Promise<Finding[]>;
}

export const examplesMax = 3;

/** A finding of `kind` ('collection.problem'); its label names the collection, then `what`. */
export function newFinding(kind: string, what: string): Finding {
  const label = `${kind.slice(0, kind.indexOf('.'))}: ${what}`;
  return { kind, label, count: 0, examples: [], repaired: 0, quarantined: 0 };
}

/** Counts one occurrence and keeps its description if examples are still wanted. */
export function note(finding: Finding, example: () => string): void {
  finding.count++;
  if (finding.examples.length < examplesMax) finding.examples.push(example());
}
