// The embedded database: FerretDB v1 on SQLite, started when no MONGODB_URI is set.
// It owns the data folder's lock and the database process; it never touches collections.
// It has no authentication, so it listens only on a Unix socket in a folder that is
// its owner's alone, and every file it keeps is 0600.
import { spawn } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient } from 'mongodb';
import { serverRoot } from '../paths';

export interface EmbeddedDatabase {
  uri: string;
  /** The Unix socket behind `uri`. */
  socket: string;
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
  /** Its Unix socket (under a private temporary folder when the data folder's path is long). */
  socket: string;
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
      closeSync(openSync(lockPath, 'wx', 0o600));
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
    if (typeof lock.socket === 'string') removeSocketFolder(lock.socket);
    rmSync(lockPath, { force: true });
  }
  throw new EmbeddedDatabaseError(`Could not take the lock ${lockPath}`);
}

/** The database's command line: SQLite files in `sqliteDir`, its Unix `socket`, and our pid to outlive. */
export function ferretdbArgs(sqliteDir: string, socket: string): string[] {
  return ['-sqlite-dir', sqliteDir, '-listen-unix', socket, '-parent-pid', String(process.pid)];
}

/** The driver's URI for a Unix socket: the path percent-encoded as the host. */
export function socketUri(socket: string): string {
  return `mongodb://${encodeURIComponent(socket)}/`;
}

/** Linux's sun_path holds 108 bytes and macOS's 104, with the final NUL. */
const maxSocketPathBytes = 100;
/** The driver takes a host that ends in `.sock` for a socket path. */
const socketName = 'ferretdb.sock';
const socketFolderPrefix = 'parley-db-';

/**
 * Where the database's socket goes: in the (0700) data folder, or when that path
 * is too long for a socket, in a new private folder under the temporary folder.
 */
export function socketPath(dataDir: string): string {
  const inData = join(dataDir, socketName);
  if (Buffer.byteLength(inData) <= maxSocketPathBytes) return inData;
  for (const base of [tmpdir(), '/tmp']) {
    // A random name, created 0700: no other user can take or enter it first.
    const path = join(base, `${socketFolderPrefix}XXXXXX`, socketName);
    if (Buffer.byteLength(path) > maxSocketPathBytes) continue;
    return join(mkdtempSync(join(base, socketFolderPrefix)), socketName);
  }
  throw new EmbeddedDatabaseError(`No folder with a path short enough for the database's socket`);
}

/** Removes a private socket folder made by socketPath (never the data folder). */
function removeSocketFolder(socket: string): void {
  const folder = dirname(socket);
  if (basename(socket) === socketName && basename(folder).startsWith(socketFolderPrefix)) {
    rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * Makes the data folder its owner's alone, also one made before Parley did so:
 * the folders 0700, the SQLite files (password hashes), the log and the lock 0600.
 */
export function secureDataFolder(dataDir: string, sqliteDir: string): void {
  for (const dir of [dataDir, sqliteDir]) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
  }
  const files = [
    ...readdirSync(sqliteDir, { withFileTypes: true })
      .filter((f) => f.isFile())
      .map((f) => join(sqliteDir, f.name)),
    join(dataDir, 'ferretdb.log'),
    join(dataDir, 'ferretdb.lock'),
  ];
  for (const file of files) {
    try {
      chmodSync(file, 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
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

/** Starts FerretDB on SQLite files under dataDir, on a Unix socket only its owner can reach. */
export async function startEmbeddedDatabase(dataDir: string): Promise<EmbeddedDatabase> {
  const binary = ferretdbBinary();
  if (!existsSync(binary)) {
    throw new EmbeddedDatabaseError(
      `The embedded database is not built yet (${binary} is missing). Run \`npm start\` or ` +
        '`node server/scripts/setup.mjs`, which build it, or set MONGODB_URI to use a MongoDB server.',
    );
  }
  const sqliteDir = join(dataDir, 'ferretdb');
  secureDataFolder(dataDir, sqliteDir);
  const lockPath = join(dataDir, 'ferretdb.lock');
  await takeLock(lockPath);

  const logFile = join(dataDir, 'ferretdb.log');
  const socket = socketPath(dataDir);
  const uri = socketUri(socket);
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const logFd = openSync(logFile, 'a', 0o600);
    // The database writes its log straight to the file, so it never depends on
    // this process's pipes; it watches our pid and exits when we are gone. Its own
    // process group keeps a terminal's Ctrl-C from stopping it before we have
    // finished the requests in flight: we stop it last.
    const child = spawn(binary, ferretdbArgs(sqliteDir, socket), {
      stdio: ['ignore', logFd, logFd],
      detached: true,
    });
    closeSync(logFd);
    const pid = child.pid ?? 0;
    writeFileSync(lockPath, JSON.stringify({ owner: process.pid, pid, socket } satisfies LockFile));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const killOnExit = () => child.kill('SIGTERM');
    process.once('exit', killOnExit);
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
      socket,
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
          removeSocketFolder(socket);
          rmSync(lockPath, { force: true });
        })();
        return stopping;
      },
    };
  }
  removeSocketFolder(socket);
  rmSync(lockPath, { force: true });
  throw lastError;
}
