// `npm run export -- --out FILE`: the signed-in account as Parley's NDJSON export
// (GET /export/account), written to FILE as it streams, with progress (chats done
// of the total the first line gives). `--session ID [--format markdown|json]`
// exports one chat instead.

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { type CliOptions, count, lineSplitter, Progress, send, whenRun } from './portabilityCli';

export interface ExportOptions extends CliOptions {
  file: string;
  session?: string;
  format?: 'markdown' | 'json';
}

export async function runExport(opts: ExportOptions) {
  const out = opts.out ?? process.stderr;
  const path = opts.session
    ? `/export/sessions/${encodeURIComponent(opts.session)}?format=${opts.format ?? 'markdown'}`
    : '/export/account';
  const body = await send(opts, path);
  const file = createWriteStream(opts.file);
  const progress = new Progress(out);
  let total = 0;
  let sessions = 0;
  let messages = 0;
  const lines = lineSplitter();
  for await (const chunk of body) {
    if (!file.write(chunk)) await once(file, 'drain');
    if (opts.session) continue;
    // Lines start with their type (lines.ts writes it first): no need to parse them.
    for (const line of lines(chunk)) {
      if (line.startsWith('{"type":"message"')) messages++;
      else if (line.startsWith('{"type":"session"')) sessions++;
      else if (line.startsWith('{"type":"account"'))
        total = (JSON.parse(line) as { sessions: number }).sessions;
    }
    progress.update(
      sessions,
      total,
      `${count(sessions)} of ${count(total)} chats, ${count(messages)} messages`,
    );
  }
  file.end();
  await once(file, 'close');
  const detail = opts.session
    ? 'chat exported'
    : `${count(sessions)} of ${count(total)} chats, ${count(messages)} messages`;
  progress.end(detail, `Exported to ${opts.file}`);
  return { sessions, messages };
}

function argument(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

whenRun(import.meta.url, 'export', ({ args, settings, path, usage }) => {
  const file = argument(args, '--out');
  const format = argument(args, '--format');
  if (!file || (format && format !== 'markdown' && format !== 'json')) {
    return usage('npm run export -- --out FILE [--session ID [--format markdown|json]]');
  }
  return runExport({
    ...settings,
    file: path(file),
    ...(argument(args, '--session') ? { session: argument(args, '--session') } : {}),
    ...(format ? { format: format as 'markdown' | 'json' } : {}),
  });
});
