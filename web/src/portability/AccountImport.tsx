// Imports a Parley export or ChatGPT's conversations.json: the file goes up as it
// is, the server's progress lines show how far it has read, then its report.
// Imported chats reach the sidebar through the live stream, like any new chat.
import { useRef, useState } from 'react';
import { useAuth } from '../auth/AuthContext';
import { DataProgress } from './DataProgress';
import { authorized, readLines, refusal } from './http';

interface Counts {
  sessions: number;
  messages: number;
  skipped: number;
}

interface Report extends Counts {
  type: 'report';
  split?: number;
  alreadyImported?: number;
  /** Folders made for a Parley export's (the rest matched folders of the same name). */
  folders?: number;
  errors: Array<{ conversation: string; reason: string }>;
}

type State =
  | { kind: 'idle' }
  | { kind: 'running'; read: number; total: number; counts: Counts }
  | { kind: 'done'; report: Report }
  | { kind: 'cancelled' }
  | { kind: 'failed'; message: string };

const plural = (n: number, one: string) => `${n.toLocaleString()} ${one}${n === 1 ? '' : 's'}`;

function ReportView({ report }: { report: Report }) {
  return (
    <div className="data-report" role="status">
      <p>
        Imported {plural(report.sessions, 'chat')} and {plural(report.messages, 'message')}
        {report.skipped > 0 && `; skipped ${plural(report.skipped, 'hidden, empty or tool turn')}`}.
        {report.folders ? ` Created ${plural(report.folders, 'folder')}.` : ''}
        {report.alreadyImported
          ? ` ${plural(report.alreadyImported, 'chat')} had been imported before.`
          : ''}
        {report.split ? ` ${plural(report.split, 'long message')} split to fit.` : ''}
      </p>
      {report.errors.length > 0 && (
        <>
          <p>Not imported:</p>
          <ul className="data-report__errors">
            {report.errors.map((e) => (
              <li key={`${e.conversation}:${e.reason}`}>
                <strong>{e.conversation}</strong>: {e.reason}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

export function AccountImport() {
  const { accessToken } = useAuth();
  const [state, setState] = useState<State>({ kind: 'idle' });
  const abort = useRef<AbortController | null>(null);
  const input = useRef<HTMLInputElement>(null);

  const start = async (file: File) => {
    const controller = new AbortController();
    abort.current = controller;
    const zero = { sessions: 0, messages: 0, skipped: 0 };
    setState({ kind: 'running', read: 0, total: file.size, counts: zero });
    let report: Report | null = null;
    try {
      const res = await authorized(accessToken, '/import', {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: file,
        signal: controller.signal,
      });
      if (!res.ok || !res.body) throw new Error(await refusal(res));
      await readLines(res.body, (text) => {
        const line = JSON.parse(text) as
          | (Counts & { type: 'progress'; bytesRead: number; bytesTotal: number })
          | Report;
        if (line.type === 'report') report = line;
        else
          setState({ kind: 'running', read: line.bytesRead, total: line.bytesTotal, counts: line });
      });
      if (!report) throw new Error('The import ended before its report; try again.');
      setState({ kind: 'done', report });
    } catch (e) {
      if (controller.signal.aborted) setState({ kind: 'cancelled' });
      else setState({ kind: 'failed', message: (e as Error).message || 'The import failed.' });
    } finally {
      abort.current = null;
      if (input.current) input.current.value = '';
    }
  };

  const running = state.kind === 'running';
  return (
    <section className="data-section" aria-labelledby="import-heading">
      <h3 id="import-heading">Import chats</h3>
      <p className="data-section__lead">
        A Parley account export (.ndjson) or ChatGPT’s conversations.json. Importing the same file
        again adds nothing.
      </p>
      <label className={`button${running ? ' button--disabled' : ''}`}>
        Choose a file to import
        <input
          ref={input}
          className="visually-hidden"
          type="file"
          accept=".json,.ndjson,application/json,application/x-ndjson"
          disabled={running}
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void start(file);
          }}
        />
      </label>
      {state.kind === 'running' && (
        <DataProgress
          what="Import"
          value={state.read}
          max={state.total || 1}
          onCancel={() => abort.current?.abort()}
        >
          {plural(state.counts.sessions, 'chat')}, {plural(state.counts.messages, 'message')} so far
        </DataProgress>
      )}
      {state.kind === 'done' && <ReportView report={state.report} />}
      {state.kind === 'cancelled' && (
        <p role="status">
          Import cancelled. Chats already imported stay; importing again completes it.
        </p>
      )}
      {state.kind === 'failed' && <p role="alert">{state.message}</p>}
    </section>
  );
}
