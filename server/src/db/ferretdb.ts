// The embedded database: FerretDB v1 on SQLite, started when no MONGODB_URI is set.
// It owns the data folder's lock and the database process; it never touches collections.
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient } from 'mongodb';
import { serverRoot } from '../paths';

export interface EmbeddedDatabase {
  uri: string;
  dataDir: string;
  pid: number;
  /** Resolves when the database process has exited (stop() or a crash). */
  exited: Promise<void>;
  stop(): Promise<void>;
}

interface LockFile {
  /** The Node process that owns the database. */
  owner: number;
  /** The database process. */
  pid: number;
  port: number;
}

export class EmbeddedDatabaseError extends Error {
  override name = 'EmbeddedDatabaseError';
}

export function ferretdbBinary(): string {
  return join(serverRoot(), '.tools', 'ferretdb', 'parley-ferretdb');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isOurDatabase(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('parley-ferretdb');
  } catch {
    return alive(pid); // no /proc: trust the lock file
  }
}

async function killAndWait(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let i = 0; i < 50 && alive(pid); i++) await sleep(100);
  if (alive(pid)) process.kill(pid, 'SIGKILL');
}

/**
 * Takes the data folder's lock. A lock left by a dead owner is cleaned up (its
 * database process stopped); a live owner makes this start refuse.
 */
async function takeLock(lockPath: string): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      closeSync(openSync(lockPath, 'wx'));
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let lock: Partial<LockFile> = {};
    try {
      lock = JSON.parse(readFileSync(lockPath, 'utf8')) as LockFile;
    } catch {
      // Empty or half-written: its writer is starting right now or died while starting.
      await sleep(300);
      try {
        lock = JSON.parse(readFileSync(lockPath, 'utf8')) as LockFile;
      } catch {}
    }
    if (lock.owner && alive(lock.owner)) {
      throw new EmbeddedDatabaseError(
        `The data folder ${join(lockPath, '..')} is in use by another Parley process (pid ${lock.owner}). ` +
          'Stop it first, or give this one its own DATA_DIR.',
      );
    }
    if (lock.pid && alive(lock.pid) && isOurDatabase(lock.pid)) await killAndWait(lock.pid);
    rmSync(lockPath, { force: true });
  }
  throw new EmbeddedDatabaseError(`Could not take the lock ${lockPath}`);
}

/** The database's command line: SQLite files in `sqliteDir`, loopback `port`, and our pid to outlive. */
export function ferretdbArgs(sqliteDir: string, port: number): string[] {
  return [
    '-sqlite-dir',
    sqliteDir,
    '-listen-addr',
    `127.0.0.1:${port}`,
    '-parent-pid',
    String(process.pid),
  ];
}

/** A loopback port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Waits until the database at `uri` answers a ping, or fails once `exitedWith()` names a cause. */
export async function waitForPing(
  uri: string,
  exitedWith: () => string | null = () => null,
): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const cause = exitedWith();
    if (cause !== null)
      throw new EmbeddedDatabaseError(`The embedded database exited while starting:\n${cause}`);
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 500, connectTimeoutMS: 500 });
    try {
      await client.db('admin').command({ ping: 1 });
      return;
    } catch {
      await sleep(100);
    } finally {
      await client.close().catch(() => {});
    }
  }
  throw new EmbeddedDatabaseError(`The embedded database at ${uri} did not answer within 20 s`);
}

/** Starts FerretDB on SQLite files under dataDir, on a free loopback port. */
export async function startEmbeddedDatabase(dataDir: string): Promise<EmbeddedDatabase> {
  const binary = ferretdbBinary();
  if (!existsSync(binary)) {
    throw new EmbeddedDatabaseError(
      `The embedded database is not built yet (${binary} is missing). Run \`npm start\` or ` +
        '`node server/scripts/setup.mjs`, which build it, or set MONGODB_URI to use a MongoDB server.',
    );
  }
  const sqliteDir = join(dataDir, 'ferretdb');
  mkdirSync(sqliteDir, { recursive: true });
  const lockPath = join(dataDir, 'ferretdb.lock');
  await takeLock(lockPath);

  const logFile = join(dataDir, 'ferretdb.log');
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const logFd = openSync(logFile, 'a');
    // The database writes its log straight to the file, so it never depends on
    // this process's pipes; it watches our pid and exits when we are gone. Its own
    // process group keeps a terminal's Ctrl-C from stopping it before we have
    // finished the requests in flight: we stop it last.
    const child = spawn(binary, ferretdbArgs(sqliteDir, port), {
      stdio: ['ignore', logFd, logFd],
      detached: true,
    });
    closeSync(logFd);
    const pid = child.pid ?? 0;
    writeFileSync(lockPath, JSON.stringify({ owner: process.pid, pid, port } satisfies LockFile));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const killOnExit = () => child.kill('SIGTERM');
    process.once('exit', killOnExit);
    const uri = `mongodb://127.0.0.1:${port}/`;
    try {
      await waitForPing(uri, () =>
        child.exitCode !== null || child.signalCode !== null ? tail(logFile) : null,
      );
    } catch (e) {
      lastError = e;
      child.kill('SIGKILL');
      await exited;
      process.off('exit', killOnExit);
      continue;
    }
    let stopping: Promise<void> | undefined;
    return {
      uri,
      dataDir,
      pid,
      exited,
      stop() {
        stopping ??= (async () => {
          if (child.exitCode === null && child.signalCode === null) {
            child.kill('SIGTERM');
            const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
            await exited;
            clearTimeout(timer);
          }
          process.off('exit', killOnExit);
          rmSync(lockPath, { force: true });
        })();
        return stopping;
      },
    };
  }
  rmSync(lockPath, { force: true });
  throw lastError;
}
