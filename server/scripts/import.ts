// `npm run import -- FILE`: a Parley account export or ChatGPT's conversations.json
// sent to POST /import as a stream, with progress while the server stores it and
// its report at the end (exit code 1 when anything could not be imported).
import { createReadStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import {
  type CliOptions,
  count,
  Progress,
  refusal,
  settings,
  signIn,
  typedPath,
} from './portabilityCli';

export interface ImportOptions extends CliOptions {
  file: string;
}

interface Line {
  type: 'progress' | 'report';
  sessions: number;
  messages: number;
  skipped: number;
  split?: number;
  alreadyImported?: number;
  folders?: number;
  bytesRead?: number;
  bytesTotal?: number;
  errors: number | Array<{ conversation: string; reason: string }>;
}

const figures = (l: Line) =>
  `${count(l.sessions)} chats, ${count(l.messages)} messages, ${count(l.skipped)} skipped`;

export async function runImport(opts: ImportOptions) {
  const out = opts.out ?? process.stderr;
  const size = statSync(opts.file).size;
  const token = await signIn(opts);
  const res = await fetch(`${opts.url}/import`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/octet-stream',
      'content-length': String(size),
    },
    body: Readable.toWeb(createReadStream(opts.file)) as ReadableStream,
    duplex: 'half',
  } as RequestInit);
  if (!res.ok || !res.body) throw new Error(await refusal(res));
  const progress = new Progress(out);
  const decoder = new TextDecoder();
  let rest = '';
  let report: Line | null = null;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    const lines = (rest + decoder.decode(chunk, { stream: true })).split('\n');
    rest = lines.pop() ?? '';
    for (const text of lines) {
      if (!text.trim()) continue;
      const line = JSON.parse(text) as Line;
      if (line.type === 'report') report = line;
      else progress.update(line.bytesRead ?? 0, line.bytesTotal ?? 0, figures(line));
    }
  }
  if (!report) throw new Error('the server ended its answer before its report');
  const errors = Array.isArray(report.errors) ? report.errors : [];
  const extra = [
    report.folders ? `${count(report.folders)} folders created` : '',
    report.alreadyImported ? `${count(report.alreadyImported)} imported before` : '',
    report.split ? `${count(report.split)} long messages split` : '',
  ].filter(Boolean);
  progress.end(
    `Imported ${figures(report)}${extra.length ? ` (${extra.join(', ')})` : ''}`,
    errors.length === 0
      ? 'No errors.'
      : `${errors.length} could not be imported:\n${errors.map((e) => `  ${e.conversation}: ${e.reason}`).join('\n')}`,
  );
  return { ...report, errors };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const file = process.argv[2];
  if (!file) {
    console.error(
      'Usage: npm run import -- FILE   (a Parley export or ChatGPT’s conversations.json)',
    );
    process.exit(2);
  }
  runImport({ ...settings(), file: typedPath(file) })
    .then((r) => {
      if (r.errors.length > 0) process.exitCode = 1;
    })
    .catch((e: Error) => {
      console.error(`The import failed: ${e.message}`);
      process.exitCode = 1;
    });
}
