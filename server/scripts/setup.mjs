#!/usr/bin/env node
// Installs what Parley needs before it runs, so the README's two commands work on
// a fresh machine: npm packages, the embedded database (FerretDB, built from the
// pinned Go module in server/db/ferretdb), for tests a headless Chromium and Redis
// from Debian's packages, and for the bench (which times the SPA) Chromium too.
// Plain Node only: it runs before `npm install`.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ferretSource = join(root, 'server', 'db', 'ferretdb');
const toolsDir = join(root, 'server', '.tools', 'ferretdb');
export const ferretBinary = join(toolsDir, 'parley-ferretdb');
const forTests = process.argv.includes('--test');
const forBench = process.argv.includes('--bench');
const ci = process.env.CI === 'true' || process.env.CI === '1';

function step(text) {
  console.log(`parley setup: ${text}`);
}

function fail(text) {
  console.error(`\nparley setup: ${text}\n`);
  process.exit(1);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.error) return { ok: false, error: r.error };
  return { ok: r.status === 0, status: r.status };
}

function installPackages() {
  const lock = join(root, 'package-lock.json');
  const marker = join(root, 'node_modules', '.package-lock.json');
  const fresh =
    existsSync(marker) && (!existsSync(lock) || statSync(marker).mtimeMs >= statSync(lock).mtimeMs);
  if (fresh) return;
  step(ci ? 'installing npm packages (npm ci)…' : 'installing npm packages…');
  const r = run('npm', [ci ? 'ci' : 'install', '--no-audit', '--no-fund']);
  if (!r.ok) fail('npm could not install the packages (see above).');
}

function sourceHash() {
  const h = createHash('sha256');
  for (const f of ['go.mod', 'go.sum', 'main.go'])
    h.update(f).update(readFileSync(join(ferretSource, f)));
  return h.digest('hex');
}

function buildFerretDB() {
  const hashFile = join(toolsDir, 'source.sha256');
  const hash = sourceHash();
  if (existsSync(ferretBinary) && existsSync(hashFile) && readFileSync(hashFile, 'utf8') === hash)
    return Promise.resolve();

  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error || go.status !== 0) {
    fail(
      'Go is needed once to build the embedded database (FerretDB), and `go` was not found.\n' +
        '  Install Go 1.24 or newer (https://go.dev/doc/install; the golang package of Debian 12 is too old),\n' +
        '  or set MONGODB_URI to any MongoDB 6+ server and Parley will use that instead.',
    );
  }
  mkdirSync(toolsDir, { recursive: true });
  step(
    `building the embedded database (FerretDB v1.24.2 on SQLite) with ${go.stdout.trim()}; first time only, about a minute…`,
  );
  const started = Date.now();
  const tmp = `${ferretBinary}.partial`;
  return new Promise((resolve) => {
    // -v names each package as it compiles: count them so long builds show progress.
    const child = spawn('go', ['build', '-v', '-trimpath', '-o', tmp, '.'], {
      cwd: ferretSource,
      env: { ...process.env, GOFLAGS: '-mod=readonly', GOTOOLCHAIN: 'local' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let packages = 0;
    const errors = [];
    const onLine = (chunk) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line.trim()) continue;
        if (/^(go: downloading|[\w./-]+)$/.test(line.trim())) {
          packages++;
          if (packages % 40 === 0)
            step(`  … ${packages} packages (${Math.round((Date.now() - started) / 1000)} s)`);
        } else errors.push(line);
      }
    };
    child.stdout.on('data', onLine);
    child.stderr.on('data', onLine);
    child.on('close', (code) => {
      if (code !== 0) {
        console.error(errors.slice(-40).join('\n'));
        fail(
          'building FerretDB failed (see above). Set MONGODB_URI to use a MongoDB server instead.',
        );
      }
      renameSync(tmp, ferretBinary);
      writeFileSync(hashFile, hash);
      step(
        `embedded database built in ${Math.round((Date.now() - started) / 1000)} s: ${ferretBinary}`,
      );
      resolve();
    });
  });
}

function aptInstall(pkg, binary) {
  if (existsSync(binary)) return;
  if (process.getuid?.() !== 0) {
    step(`${binary} is missing: install Debian's ${pkg} package (apt-get install ${pkg}).`);
    return;
  }
  step(`installing ${pkg} from Debian's packages…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', pkg], { env }).ok) {
    run('apt-get', ['update', '-qq'], { env });
    if (!run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', pkg], { env }).ok) {
      fail(`could not install ${pkg} (apt-get failed, see above).`);
    }
  }
}

installPackages();
// Tests and the bench start embedded databases of their own, whatever MONGODB_URI says.
if (!process.env.MONGODB_URI || forTests || forBench) await buildFerretDB();
if (forTests || forBench) aptInstall('chromium', '/usr/bin/chromium');
if (forTests) {
  aptInstall('redis-server', '/usr/bin/redis-server');
}
