// `npm run bench [-- --quick | --full]`: starts the embedded database, Parley and
// a bare baseline server, drives load from a separate process on loopback, and
// writes bench-results/ (JSON + Markdown). Quick mode takes about two minutes.
import { measureReplies } from './assistant';
import { measureBypasses } from './bypasses';
import { measureCapacity } from './capacity';
import { measureCeiling } from './ceiling';
import type { Bench } from './context';
import { measureGrowth } from './growth';
import { measureLive } from './live';
import { LoadProcess } from './load';
import { measureLogin } from './login';
import { measurePortability } from './portability';
import { machine, writeReport } from './report';
import { measureSearch } from './search';
import { measureSoak } from './soak';
import { measureSpa } from './spa';
import { startStack } from './stack';
import { measureThroughput } from './throughput';

const steps: Array<[string, (b: Bench) => Promise<void>, 'all' | 'full']> = [
  ['database ceiling (driver insertOne)', measureCeiling, 'all'],
  ['message.send and CPU per request', measureThroughput, 'all'],
  ['auth.login against bcrypt', measureLogin, 'all'],
  ['live delivery over SSE', measureLive, 'all'],
  ['assistant replies over SSE', measureReplies, 'all'],
  ['stock tRPC beside Parley’s bypasses', measureBypasses, 'all'],
  // Before capacity: the soak measures the service, not a store already seeded full.
  ['soak: 5 minutes, 50 users', measureSoak, 'full'],
  ['capacity of the embedded database', measureCapacity, 'all'],
  ['growth: one user while the database grows', measureGrowth, 'all'],
  ['search at 100,000 messages (quick: 20,000)', measureSearch, 'all'],
  ['the SPA bundle', measureSpa, 'all'],
  ['portability: export and import', measurePortability, 'all'],
];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const full = args.includes('--full');
  const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  const mode = full ? 'full' : 'quick';
  const started = Date.now();
  const progress = (line: string) =>
    console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${line}`);
  progress(`Parley bench, ${mode} mode, on ${machine()}`);
  progress('starting the embedded database and Parley…');
  const stack = await startStack();
  const load = new LoadProcess((line) => progress(`  ${line}`));
  const bench: Bench = { stack, load, full, progress, rows: [], notes: [], raw: {} };
  try {
    for (const [name, step, when] of steps) {
      if (when === 'full' && !full) continue;
      if (only && !name.includes(only)) continue;
      progress(`== ${name}`);
      try {
        await step(bench);
      } catch (e) {
        progress(`!! ${name} failed: ${(e as Error).stack ?? e}`);
        bench.notes.push(`${name} failed: ${(e as Error).message}`);
      }
    }
  } finally {
    load.stop();
    await stack.stop();
  }
  const out = writeReport(mode, bench.rows, bench.notes, bench.raw);
  progress(`done in ${((Date.now() - started) / 1000).toFixed(0)} s: ${out.markdown}`);
  console.log(
    `\n| what | Parley | baseline | ratio | target |\n| --- | --- | --- | --- | --- |\n${bench.rows
      .map((r) => `| ${r.what} | ${r.parley} | ${r.baseline} | ${r.ratio} | ${r.target} |`)
      .join('\n')}\n`,
  );
  for (const n of bench.notes) console.log(`- ${n}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
