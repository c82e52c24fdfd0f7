// The doctor's report as text: one line per kind of damage, with examples.
import type { DoctorReport } from './index';

export function formatReport(report: DoctorReport): string {
  const lines: string[] = [];
  for (const f of report.findings) {
    const handled = report.fix && f.repaired + f.quarantined === f.count;
    const mark = f.count === 0 ? 'ok ' : handled ? 'fix' : '!! ';
    const done =
      report.fix && f.count > 0 ? ` (repaired ${f.repaired}, quarantined ${f.quarantined})` : '';
    lines.push(`${mark} ${String(f.count).padStart(6)}  ${f.label}${done}`);
    for (const e of f.examples) lines.push(`             e.g. ${e}`);
  }
  lines.push('');
  if (report.found === 0) lines.push('Nothing to repair: the database is healthy.');
  else if (report.fix) {
    lines.push(
      `Repaired ${report.repaired}, quarantined ${report.quarantined} (kept in the "quarantine" collection).`,
    );
    if (report.manual > 0) lines.push(`${report.manual} left to decide by hand: see above.`);
  } else
    lines.push(`Found ${report.found} problems. Run \`npm run doctor -- --fix\` to repair them.`);
  return lines.join('\n');
}

/** A progress printer for long runs: at most one line a second per step, on stderr. */
export function progressPrinter(write: (line: string) => void = (l) => process.stderr.write(l)) {
  let lastAt = 0;
  return (step: string, done: number, total: number) => {
    const now = Date.now();
    if (now - lastAt < 1_000 && done !== total) return;
    lastAt = now;
    write(`  checking ${step}: ${done}/${Math.max(total, done)}\n`);
  };
}
