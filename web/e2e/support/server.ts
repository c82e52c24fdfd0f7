// Starts the built server (server/dist/main.js) on a free port with a fresh data
// folder, as a child process, and stops it afterwards.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

/** The tests use the builds turbo made before them; say which one is missing. */
function requireBuilt(file: string, command: string): string {
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`${command}\` first.`);
  return file;
}

/** `env` adds settings (e.g. an assistant's model server) to the test defaults. */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const main = requireBuilt(
    join(repoRoot, 'server', 'dist', 'main.js'),
    'npm run -w @parley/server build',
  );
  requireBuilt(join(repoRoot, 'web', 'dist', 'index.html'), 'npm run -w @parley/web build');
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-e2e-'));
  const child: ChildProcess = spawn(process.execPath, [main], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: '0',
      DATA_DIR: dataDir,
      NODE_ENV: 'development',
      DEMO_USERS: 'false',
      BCRYPT_COST: '4',
      JWT_SECRET: 'e2e-secret-0123456789-abcdefghij-klmnopq',
      // The shortest lifetime the server allows: the walk outlives several tokens.
      ACCESS_TOKEN_TTL_SECONDS: '10',
      MONGODB_URI: '',
      REDIS_URL: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /Parley is listening on (http:\/\/\S+)/.exec(output);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
