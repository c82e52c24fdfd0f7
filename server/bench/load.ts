// The bench's side of the load process: forks bench/worker.ts and hands it jobs.
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import type { Job } from './worker';

export class LoadProcess {
  private readonly child: ChildProcess;
  private next = 0;
  private readonly pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();

  constructor(onProgress: (line: string) => void) {
    this.child = fork(join(import.meta.dirname, 'worker.ts'), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on(
      'message',
      (m: { id?: number; result?: unknown; error?: string; progress?: string }) => {
        if (m.progress) return onProgress(m.progress);
        const p = this.pending.get(m.id ?? -1);
        if (!p) return;
        this.pending.delete(m.id ?? -1);
        if (m.error) p.reject(new Error(m.error));
        else p.resolve(m.result);
      },
    );
    this.child.on('exit', (code) => {
      for (const p of this.pending.values()) p.reject(new Error(`load process exited (${code})`));
      this.pending.clear();
    });
  }

  run<T>(job: Job): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, job });
    });
  }

  stop(): void {
    this.child.disconnect();
  }
}
