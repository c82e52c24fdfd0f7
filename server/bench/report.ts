// The results: rows of (what, Parley, baseline, ratio, target) written to
// bench-results/ as JSON and a Markdown table, with the machine they ran on.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { serverRoot } from '../src/paths';

export interface Row {
  what: string;
  parley: string;
  baseline: string;
  ratio: string;
  target: string;
}

export const fmt = (v: number, unit = '', digits = 1): string =>
  Number.isFinite(v)
    ? `${v.toLocaleString('en-US', { maximumFractionDigits: digits })}${unit}`
    : 'n/a';

export const fmtRatio = (r: number): string => (Number.isFinite(r) ? `${r.toFixed(2)}x` : 'n/a');

export function machine(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}`;
}

export function writeReport(
  mode: string,
  rows: Row[],
  notes: string[],
  raw: Record<string, unknown>,
): { json: string; markdown: string } {
  const dir = join(serverRoot(), '..', 'bench-results');
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const header = `Parley bench, ${mode} mode, ${new Date().toISOString()}\n\nMachine: ${machine()}\n`;
  const table = [
    '| what | Parley | baseline | ratio | target |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.what} | ${r.parley} | ${r.baseline} | ${r.ratio} | ${r.target} |`),
  ].join('\n');
  const markdown = `${header}\n${table}\n\n${notes.map((n) => `- ${n}`).join('\n')}\n`;
  const json = join(dir, `bench-${mode}-${stamp}.json`);
  const md = join(dir, `bench-${mode}-${stamp}.md`);
  writeFileSync(json, JSON.stringify({ mode, machine: machine(), rows, notes, raw }, null, 2));
  writeFileSync(md, markdown);
  writeFileSync(join(dir, `latest-${mode}.md`), markdown);
  return { json, markdown: md };
}
