// An embedded database whose process the fault tests own: FerretDB on a fixed
// Unix socket, so it can be SIGKILLed and restarted where clients expect it (the
// database removes the socket a killed run left behind).
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
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
  /** The Unix socket, or null when it listens on loopback TCP. */
  socket: string | null;
  /** The loopback TCP port, or null on a Unix socket. */
  port: number | null;
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Sends a signal without waiting for an exit: SIGSTOP freezes the database, SIGCONT resumes it. */
  signal(signal: NodeJS.Signals): void;
  /** Freezes the database and waits until the kernel has stopped it. */
  freeze(): Promise<void>;
  /** True while the database process has not exited. */
  running(): boolean;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** `tcp`: on a free loopback port, as a MongoDB at MONGODB_URI is reached, instead of the socket. */
export async function startOwnedDatabase(
  dir: string,
  opts: { tcp?: boolean } = {},
): Promise<OwnedDatabase> {
  const sqliteDir = join(dir, 'ferretdb');
  secureDataFolder(dir, sqliteDir);
  const port = opts.tcp ? await freePort() : null;
  const socket = port === null ? socketPath(dir) : null;
  const uri = socket ? socketUri(socket) : `mongodb://127.0.0.1:${port}/`;
  const args = socket
    ? ferretdbArgs(sqliteDir, socket)
    : [
        '-sqlite-dir',
        sqliteDir,
        '-listen-addr',
        `127.0.0.1:${port}`,
        '-parent-pid',
        String(process.pid),
      ];
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const launch = async () => {
    const proc = spawn(ferretdbBinary(), args, { stdio: 'ignore' });
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
  const freeze = async () => {
    signal('SIGSTOP');
    const deadline = Date.now() + 5_000;
    while (child?.pid && Date.now() < deadline) {
      // /proc/<pid>/stat's third field is the state: T once stopped.
      const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('T')) return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  await launch();
  return {
    uri,
    socket,
    port,
    kill,
    signal,
    freeze,
    running,
    restart: launch,
    stop: () => kill('SIGTERM'),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
