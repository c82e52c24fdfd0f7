// CPU time of the database process (user + system, from /proc/<pid>/stat), so a
// measurement can say what each request cost the database, not only Node.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    } catch {
      ticksPerSecond = 100;
    }
    if (!Number.isFinite(ticksPerSecond) || ticksPerSecond <= 0) ticksPerSecond = 100;
  }
  return ticksPerSecond;
}

/** The process's CPU so far in ms, or NaN where /proc cannot tell (not Linux, gone). */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) in parentheses: utime is
    // the 12th of them, stime the 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / clockTicks();
  } catch {
    return Number.NaN;
  }
}

/** The database's CPU in ms while `work` runs. */
export async function dbCpuDuring<T>(
  pid: number,
  work: () => Promise<T>,
): Promise<{ result: T; dbCpuMs: number }> {
  const before = processCpuMs(pid);
  const result = await work();
  return { result, dbCpuMs: processCpuMs(pid) - before };
}
