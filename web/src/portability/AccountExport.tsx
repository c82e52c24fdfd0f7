// Exports the whole account as Parley's NDJSON file, showing chats done of the
// total the first line gives, and cancellable. The file is kept as the chunks
// that arrived (a Blob), never as one string.
import { useRef, useState } from 'react';
import { useAuth } from '../auth/AuthContext';
import { DataProgress } from './DataProgress';
import { authorized, fileNameOf, readLines, refusal, save } from './http';

type State =
  | { kind: 'idle' }
  | { kind: 'running'; done: number; total: number | null }
  | { kind: 'saved'; name: string; sessions: number }
  | { kind: 'cancelled' }
  | { kind: 'failed'; message: string };

/** Chats done so far: a chat is done once the next one (or the end) begins. */
function countSessions(
  line: string,
  seen: { sessions: number; total: number | null; ended: boolean },
) {
  if (line.startsWith('{"type":"session"')) seen.sessions++;
  else if (line.startsWith('{"type":"account"'))
    seen.total = (JSON.parse(line) as { sessions: number }).sessions;
  else if (line.startsWith('{"type":"end"')) seen.ended = true;
}

export function AccountExport() {
  const { accessToken } = useAuth();
  const [state, setState] = useState<State>({ kind: 'idle' });
  const abort = useRef<AbortController | null>(null);

  const start = async () => {
    const controller = new AbortController();
    abort.current = controller;
    setState({ kind: 'running', done: 0, total: null });
    const seen = { sessions: 0, total: null as number | null, ended: false };
    const chunks: Uint8Array[] = [];
    try {
      const res = await authorized(accessToken, '/export/account', { signal: controller.signal });
      if (!res.ok || !res.body) throw new Error(await refusal(res));
      await readLines(
        res.body,
        (line) => {
          countSessions(line, seen);
          const done = seen.ended ? seen.sessions : Math.max(0, seen.sessions - 1);
          setState({ kind: 'running', done, total: seen.total });
        },
        (chunk) => chunks.push(chunk),
      );
      if (!seen.ended) throw new Error('The export ended early; try again.');
      const name = fileNameOf(res, 'parley-export.ndjson');
      save(new Blob(chunks as BlobPart[], { type: 'application/x-ndjson' }), name);
      setState({ kind: 'saved', name, sessions: seen.sessions });
    } catch (e) {
      if (controller.signal.aborted) setState({ kind: 'cancelled' });
      else setState({ kind: 'failed', message: (e as Error).message || 'The export failed.' });
    } finally {
      abort.current = null;
    }
  };

  return (
    <section className="data-section" aria-labelledby="export-heading">
      <h3 id="export-heading">Export your account</h3>
      <p className="data-section__lead">
        Every chat and message, including the Trash, as one file Parley can import again.
      </p>
      {state.kind === 'running' ? (
        <DataProgress
          what="Export"
          value={state.done}
          max={state.total ?? undefined}
          onCancel={() => abort.current?.abort()}
        >
          {state.total === null ? 'Starting…' : `${state.done} of ${state.total} chats`}
        </DataProgress>
      ) : (
        <button type="button" className="button" onClick={() => void start()}>
          Export account
        </button>
      )}
      {state.kind === 'saved' && (
        <p role="status">
          Saved {state.sessions === 1 ? '1 chat' : `${state.sessions.toLocaleString()} chats`} as{' '}
          {state.name}.
        </p>
      )}
      {state.kind === 'cancelled' && <p role="status">Export cancelled.</p>}
      {state.kind === 'failed' && <p role="alert">{state.message}</p>}
    </section>
  );
}
