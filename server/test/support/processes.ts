// Runs Parley's entry point as a real child process, for start-up and signal tests.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { serverRoot } from '../../src/paths';
import { testSecret } from './harness';

export interface Child {
  proc: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** A child's settings on the tests' database server, in database `dbName`, quick to sign up on. */
export function onTestDatabase(dbName: string, env: Record<string, string> = {}) {
  return {
    NODE_ENV: 'test',
    PORT: '0',
    MONGODB_URI: inject('mongoUri'),
    MONGODB_DB: dbName,
    JWT_SECRET: testSecret,
    BCRYPT_COST: '4',
    DEMO_USERS: 'false',
    ...env,
  };
}

export function runMain(env: Record<string, string>): Child {
  let out = '';
  const proc = spawn(process.execPath, ['--import', 'tsx', join(serverRoot(), 'src', 'main.ts')], {
    cwd: serverRoot(),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout?.on('data', (d) => {
    out += d;
  });
  proc.stderr?.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((resolve) =>
    proc.once('exit', (code) => resolve(code)),
  );
  return { proc, output: () => out, exited };
}

export async function waitForOutput(
  child: Child,
  pattern: RegExp,
  timeoutMs = 30_000,
): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const m = pattern.exec(child.output());
    if (m) return m;
    if (child.proc.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no ${pattern} in output:\n${child.output()}`);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function lockOf(dataDir: string): { owner: number; pid: number; socket: string } {
  return JSON.parse(readFileSync(join(dataDir, 'ferretdb.lock'), 'utf8'));
}

export async function waitUntil(check: () => boolean, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}
