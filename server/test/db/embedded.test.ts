import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedDatabase } from '../../src/db/ferretdb';
import { isAlive, lockOf, runMain, waitForOutput, waitUntil } from '../support/processes';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'parley-embedded-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const modeOf = (path: string) => statSync(path).mode & 0o777;

/** The TCP ports a process listens on, from its socket inodes and /proc/net/tcp{,6}. */
function tcpListenersOf(pid: number): string[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m?.[1]) inodes.add(m[1]);
    } catch {}
  }
  const ports: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').trim().split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // cols: sl, local address, remote address, state (0A is LISTEN), …, inode (10th).
      if (cols[3] === '0A' && inodes.has(cols[9] ?? '')) ports.push(cols[1] ?? '');
    }
  }
  return ports;
}

/** The files of a data folder a local user could read: every one must be 0600. */
function filesOf(dir: string): string[] {
  const sqlite = join(dir, 'ferretdb');
  return [
    ...readdirSync(sqlite).map((f) => join(sqlite, f)),
    join(dir, 'ferretdb.log'),
    join(dir, 'ferretdb.lock'),
  ].filter((f) => existsSync(f) && statSync(f).isFile());
}

describe('the embedded database', () => {
  it('keeps data across a stop and a start on the same folder', async () => {
    const dir = tempDir();
    const first = await startEmbeddedDatabase(dir);
    let client = await MongoClient.connect(first.uri);
    await client.db('keep').collection('things').insertOne({ name: 'kept' });
    await client.close();
    await first.stop();
    expect(isAlive(first.pid)).toBe(false);

    const second = await startEmbeddedDatabase(dir);
    client = await MongoClient.connect(second.uri);
    const doc = await client.db('keep').collection('things').findOne({ name: 'kept' });
    await client.close();
    await second.stop();
    expect(doc?.name).toBe('kept');
  });

  it('is reachable only by its owner: a private socket, no TCP, files 0600', async () => {
    const dir = tempDir();
    chmodSync(dir, 0o755); // as a folder made by hand would be
    const db = await startEmbeddedDatabase(dir);
    try {
      const client = await MongoClient.connect(db.uri);
      await client.db('private').collection('things').insertOne({ name: 'secret' });
      expect(await client.db('private').collection('things').findOne({})).toMatchObject({
        name: 'secret',
      });
      await client.close();

      expect(db.uri).toBe(`mongodb://${encodeURIComponent(db.socket)}/`);
      expect(statSync(db.socket).isSocket()).toBe(true);
      expect(modeOf(dirname(db.socket))).toBe(0o700);
      expect(modeOf(dir)).toBe(0o700);
      expect(modeOf(join(dir, 'ferretdb'))).toBe(0o700);
      expect(tcpListenersOf(db.pid)).toEqual([]);
      const files = filesOf(dir);
      expect(files.some((f) => f.endsWith('private.sqlite'))).toBe(true);
      expect(files.filter((f) => modeOf(f) !== 0o600)).toEqual([]);
      const lock = lockOf(dir);
      expect(lock).not.toHaveProperty('port');
      expect(lock).toMatchObject({ owner: process.pid, pid: db.pid, socket: db.socket });
    } finally {
      await db.stop();
    }
  });

  it('closes up a data folder an earlier version left readable, on the socket a crash left', async () => {
    const dir = tempDir();
    const first = await startEmbeddedDatabase(dir);
    let client = await MongoClient.connect(first.uri);
    await client.db('old').collection('things').insertOne({ name: 'kept' });
    await client.close();
    // Killed, as a crash would leave it: its socket stays behind for the next start.
    process.kill(first.pid, 'SIGKILL');
    await first.exited;
    await first.stop();
    expect(existsSync(first.socket)).toBe(true);
    for (const d of [dir, join(dir, 'ferretdb')]) chmodSync(d, 0o755);
    for (const f of filesOf(dir)) chmodSync(f, 0o644);

    const second = await startEmbeddedDatabase(dir);
    try {
      expect(second.socket).toBe(first.socket);
      expect([dir, join(dir, 'ferretdb')].map(modeOf)).toEqual([0o700, 0o700]);
      expect(filesOf(dir).filter((f) => modeOf(f) !== 0o600)).toEqual([]);
      client = await MongoClient.connect(second.uri);
      const doc = await client.db('old').collection('things').findOne({});
      await client.close();
      expect(doc?.name).toBe('kept');
    } finally {
      await second.stop();
    }
  });

  it('puts the socket in a private temporary folder when the data folder path is long', async () => {
    const dir = join(tempDir(), 'a-data-folder-whose-path-is-too-long-for-a-unix-socket'.repeat(2));
    mkdirSync(dir);
    const db = await startEmbeddedDatabase(dir);
    const folder = dirname(db.socket);
    try {
      expect(db.socket.startsWith(dir)).toBe(false);
      expect(Buffer.byteLength(db.socket)).toBeLessThanOrEqual(100);
      expect(modeOf(folder)).toBe(0o700);
      const client = await MongoClient.connect(db.uri);
      await client.db('admin').command({ ping: 1 });
      await client.close();
    } finally {
      await db.stop();
    }
    expect(existsSync(folder)).toBe(false);
  });

  it('indexes every new collection by the expression its _id lookups filter on', async () => {
    // FerretDB v1's own _id index does not match its _id filter, so without ours
    // every lookup by _id would read the whole table.
    const dir = tempDir();
    const db = await startEmbeddedDatabase(dir);
    try {
      const client = await MongoClient.connect(db.uri);
      await client.db('shop').collection('orders').insertOne({ item: 'tea' });
      await client.close();
      const log = () => readFileSync(join(dir, 'ferretdb.log'), 'utf8');
      expect(
        await waitUntil(() => /_id index on orders_\w+ in shop\.sqlite/.test(log()), 8_000),
      ).toBe(true);
    } finally {
      await db.stop();
    }
  });

  it('refuses a second start on a folder that is in use', async () => {
    const dir = tempDir();
    const db = await startEmbeddedDatabase(dir);
    try {
      await expect(startEmbeddedDatabase(dir)).rejects.toThrow(/in use by another Parley process/);
    } finally {
      await db.stop();
    }
  });

  it('leaves no database process behind when the server is killed with SIGKILL', async () => {
    const dir = tempDir();
    const child = runMain({
      DATA_DIR: dir,
      PORT: '0',
      NODE_ENV: 'development',
      DEMO_USERS: 'false',
    });
    await waitForOutput(child, /listening on/);
    const { pid } = lockOf(dir);
    expect(isAlive(pid)).toBe(true);
    child.proc.kill('SIGKILL');
    await child.exited;
    // The database notices its parent is gone; the next start would clean up otherwise.
    const next = await startEmbeddedDatabase(dir);
    await next.stop();
    expect(await waitUntil(() => !isAlive(pid))).toBe(true);
  });

  it('stops the database on SIGINT and data survives a restart of the server', async () => {
    const dir = tempDir();
    const child = runMain({ DATA_DIR: dir, PORT: '0', NODE_ENV: 'development' });
    const [, url] = await waitForOutput(child, /listening on (http:\/\/\S+)/);
    const health = await fetch(`${url}/healthz`).then((r) => r.json());
    expect(health).toMatchObject({ status: 'ok', database: 'up' });
    const { pid } = lockOf(dir);
    child.proc.kill('SIGINT');
    expect(await child.exited).toBe(0);
    expect(isAlive(pid)).toBe(false);

    const again = runMain({ DATA_DIR: dir, PORT: '0', NODE_ENV: 'development' });
    const [, url2] = await waitForOutput(again, /listening on (http:\/\/\S+)/);
    // The demo users made by the first start are still there: nothing new is created.
    expect(again.output()).not.toMatch(/demo users created/);
    const login = await fetch(`${url2}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ json: { username: 'alice', password: 'alicepass123' } }),
    });
    expect(login.status).toBe(200);
    again.proc.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  });
});
