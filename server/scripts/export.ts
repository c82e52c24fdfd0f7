// `npm run export -- --out FILE`: the signed-in account as Parley's NDJSON export
// (GET /export/account), written to FILE as it streams, with progress (chats done
// of the total the first line gives). `--session ID [--format markdown|json]`
// exports one chat instead.

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
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

export interface ExportOptions extends CliOptions {
  file: string;
  session?: string;
  format?: 'markdown' | 'json';
}

export async function runExport(opts: ExportOptions) {
  const out = opts.out ?? process.stderr;
  const token = await signIn(opts);
  const path = opts.session
    ? `/export/sessions/${encodeURIComponent(opts.session)}?format=${opts.format ?? 'markdown'}`
    : '/export/account';
  const res = await fetch(`${opts.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok || !res.body) throw new Error(await refusal(res));
  const file = createWriteStream(opts.file);
  const progress = new Progress(out);
  let total = 0;
  let sessions = 0;
  let messages = 0;
  let rest = '';
  const decoder = new TextDecoder();
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    if (!file.write(chunk)) await once(file, 'drain');
    if (opts.session) continue;
    // Lines start with their type (lines.ts writes it first): no need to parse them.
    const lines = (rest + decoder.decode(chunk, { stream: true })).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
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

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const file = argument(args, '--out');
  const format = argument(args, '--format');
  if (!file || (format && format !== 'markdown' && format !== 'json')) {
    console.error('Usage: npm run export -- --out FILE [--session ID [--format markdown|json]]');
    process.exit(2);
  }
  runExport({
    ...settings(),
    file: typedPath(file),
    ...(argument(args, '--session') ? { session: argument(args, '--session') } : {}),
    ...(format ? { format: format as 'markdown' | 'json' } : {}),
  }).catch((e: Error) => {
    console.error(`The export failed: ${e.message}`);
    process.exitCode = 1;
  });
}
