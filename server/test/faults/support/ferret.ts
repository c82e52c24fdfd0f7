// An embedded database whose process the fault tests own: FerretDB on a fixed
// loopback port, so it can be SIGKILLed and restarted where clients expect it.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ferretdbArgs, ferretdbBinary, freePort, waitForPing } from '../../../src/db/ferretdb';

export interface OwnedDatabase {
  uri: string;
  port: number;
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Sends a signal without waiting for an exit: SIGSTOP freezes the database, SIGCONT resumes it. */
  signal(signal: NodeJS.Signals): void;
  /** True while the database process has not exited. */
  running(): boolean;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startOwnedDatabase(dir: string): Promise<OwnedDatabase> {
  const sqliteDir = join(dir, 'ferretdb');
  mkdirSync(sqliteDir, { recursive: true });
  const port = await freePort();
  const uri = `mongodb://127.0.0.1:${port}/`;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const launch = async () => {
    const proc = spawn(ferretdbBinary(), ferretdbArgs(sqliteDir, port), { stdio: 'ignore' });
    child = proc;
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    await waitForPing(uri);
  };
  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      await exited;
    }
  };
  const running = () => !!child && child.exitCode === null && child.signalCode === null;
  const signal = (sig: NodeJS.Signals) => {
    if (running()) child?.kill(sig);
  };
  await launch();
  return { uri, port, kill, signal, running, restart: launch, stop: () => kill('SIGTERM') };
}
