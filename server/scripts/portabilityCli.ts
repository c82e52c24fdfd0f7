// What `npm run export` and `npm run import` share: settings from PARLEY_URL,
// PARLEY_USER and PARLEY_PASSWORD (as `npm run example`), signing in through the
// typed client, and progress as a bar on a terminal or plain lines otherwise.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createTRPCClient, httpLink } from '@trpc/client';
import superjson from 'superjson';
import type { AppRouter } from '../src/client';

export interface CliOptions {
  url: string;
  username: string;
  password: string;
  /** Where progress and results go; a terminal gets a redrawn bar. */
  out?: NodeJS.WritableStream & { isTTY?: boolean };
}

function settings(): Pick<CliOptions, 'url' | 'username' | 'password'> {
  return {
    url: (process.env.PARLEY_URL || 'http://127.0.0.1:8000').replace(/\/+$/, ''),
    username: process.env.PARLEY_USER || 'alice',
    password: process.env.PARLEY_PASSWORD || 'alicepass123',
  };
}

/** A path as typed where npm was run (npm runs workspace scripts in the workspace's folder). */
const typedPath = (path: string) => resolve(process.env.INIT_CWD ?? process.cwd(), path);

/** An access token for the user: enough for one export or import (checked when it starts). */
async function signIn(opts: CliOptions): Promise<string> {
  const api = createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${opts.url.replace(/\/+$/, '')}/trpc`, transformer: superjson })],
  });
  const result = await api.auth.login.mutate({ username: opts.username, password: opts.password });
  return result.accessToken;
}

/** Shows progress: a bar redrawn in place on a terminal, else a plain line at most every second. */
export class Progress {
  private last = 0;
  private drawn = false;
  constructor(private readonly out: NodeJS.WritableStream & { isTTY?: boolean }) {}

  update(done: number, total: number, detail: string): void {
    const now = Date.now();
    if (this.out.isTTY) {
      const width = 30;
      const filled = total > 0 ? Math.min(width, Math.round((done / total) * width)) : 0;
      this.out.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${detail}\u001b[K`);
      this.drawn = true;
    } else if (now - this.last >= 1_000) {
      this.last = now;
      this.out.write(`${detail}\n`);
    }
  }

  /** Ends the bar (or prints the last figures) and then `line`. */
  end(detail: string, line: string): void {
    if (this.out.isTTY) {
      if (this.drawn) this.out.write(`\r${detail}\u001b[K\n`);
    } else this.out.write(`${detail}\n`);
    this.out.write(`${line}\n`);
  }
}

export const count = (n: number) => n.toLocaleString('en');

/** The `detail` of a refused request, or its status. */
async function refusal(res: Response): Promise<string> {
  const text = await res.text();
  try {
    return (JSON.parse(text) as { detail?: string }).detail ?? `HTTP ${res.status}`;
  } catch {
    return `HTTP ${res.status}`;
  }
}

/** Signs in and sends one request with the token; the answer's body, or the server's refusal thrown. */
export async function send(
  opts: CliOptions,
  path: string,
  init: RequestInit = {},
): Promise<AsyncIterable<Uint8Array>> {
  const token = await signIn(opts);
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${token}`);
  const res = await fetch(`${opts.url}${path}`, { ...init, headers });
  if (!res.ok || !res.body) throw new Error(await refusal(res));
  return res.body as unknown as AsyncIterable<Uint8Array>;
}

/** Splits a byte stream into lines as its chunks arrive; a partial last line waits for the next. */
export function lineSplitter(): (chunk: Uint8Array) => string[] {
  const decoder = new TextDecoder();
  let rest = '';
  return (chunk) => {
    const lines = (rest + decoder.decode(chunk, { stream: true })).split('\n');
    rest = lines.pop() ?? '';
    return lines;
  };
}

/** What a script's command line gives it: its arguments, the settings, and a refusal of bad ones. */
export interface CommandLine {
  args: string[];
  settings: Pick<CliOptions, 'url' | 'username' | 'password'>;
  /** A path as typed where npm was run. */
  path: (typed: string) => string;
  /** Refuses bad arguments with this usage line and exit code 2. */
  usage: (text: string) => never;
}

/**
 * Runs `task` when `moduleUrl` is the script node was started with (not when a test
 * imports it); a failure sets exit code 1.
 */
export function whenRun(
  moduleUrl: string,
  what: string,
  task: (line: CommandLine) => Promise<unknown>,
): void {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  const usage = (text: string): never => {
    console.error(`Usage: ${text}`);
    process.exit(2);
  };
  const line = { args: process.argv.slice(2), settings: settings(), path: typedPath, usage };
  task(line).catch((e: Error) => {
    console.error(`The ${what} failed: ${e.message}`);
    process.exitCode = 1;
  });
}
