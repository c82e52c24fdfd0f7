// An embedded database whose process the fault tests own: FerretDB on a fixed
// Unix socket, so it can be SIGKILLed and restarted where clients expect it (the
// database removes the socket a killed run left behind).
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import {
  ferretdbArgs,
  ferretdbBinary,
  secureDataFolder,
  socketPath,
  socketUri,
  waitForPing,
} from '../../../src/db/ferretdb';

export interface OwnedDatabase {
  uri: string;
  socket: string;
  kill(signal?: NodeJS.Signals): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startOwnedDatabase(dir: string): Promise<OwnedDatabase> {
  const sqliteDir = join(dir, 'ferretdb');
  secureDataFolder(dir, sqliteDir);
  const socket = socketPath(dir);
  const uri = socketUri(socket);
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const launch = async () => {
    const proc = spawn(ferretdbBinary(), ferretdbArgs(sqliteDir, socket), { stdio: 'ignore' });
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
  await launch();
  return { uri, socket, kill, restart: launch, stop: () => kill('SIGTERM') };
}
