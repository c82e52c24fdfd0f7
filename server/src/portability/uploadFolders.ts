// The temporary folders received import files go to: each is named by the process
// that made it (parley-import-<pid>-XXXXXX), so that the folders of a process that
// was killed part way can be told apart and removed, at start-up and before each
// import, without touching those of another Parley process still running.
import { lstat, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { log } from '../log';

const prefix = 'parley-import-';
/** Folders named before they carried a pid: removed once this old, as no import runs so long. */
const unnamedAfterMs = 24 * 3600_000;

/** A new folder for one received file, in the system's temporary folder. */
export function uploadFolder(): Promise<string> {
  return mkdtemp(join(tmpdir(), `${prefix}${process.pid}-`));
}

function running(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: a process of another user has the pid; only ESRCH says none has.
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** Whether `name` is an upload folder no running process owns. */
async function stale(dir: string, name: string, uid: number | undefined): Promise<boolean> {
  if (!name.startsWith(prefix)) return false;
  const info = await lstat(join(dir, name)).catch(() => null);
  if (!info?.isDirectory() || (uid !== undefined && info.uid !== uid)) return false;
  const pid = /^(\d+)-[^-]+$/.exec(name.slice(prefix.length))?.[1];
  if (pid === undefined) return Date.now() - info.mtimeMs > unnamedAfterMs;
  return !running(Number(pid));
}

/** Removes the upload folders of this user's processes that have ended; how many it removed. */
export async function removeStaleUploads(): Promise<number> {
  const dir = tmpdir();
  const uid = process.getuid?.();
  let removed = 0;
  try {
    for (const name of await readdir(dir)) {
      if (!(await stale(dir, name, uid))) continue;
      await rm(join(dir, name), { recursive: true, force: true });
      removed++;
    }
  } catch (e) {
    log.warn('could not remove old import uploads', { dir, error: (e as Error).message });
  }
  return removed;
}
