// What every measurement receives: the running stack, the load process, the mode,
// a progress printer, and where to put rows, notes and raw figures.
import type { LoadProcess } from './load';
import type { Row } from './report';
import type { Stack } from './stack';

export interface Bench {
  stack: Stack;
  load: LoadProcess;
  full: boolean;
  progress(line: string): void;
  rows: Row[];
  notes: string[];
  raw: Record<string, unknown>;
}

/** Server CPU (user + system, µs) spent while `work` runs. */
export async function cpuDuring<T>(work: () => Promise<T>): Promise<{ result: T; cpuUs: number }> {
  const before = process.cpuUsage();
  const result = await work();
  const used = process.cpuUsage(before);
  return { result, cpuUs: used.user + used.system };
}
