import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

describe('the embedded database', () => {
  it('keeps data across a stop and a start on the same folder', async () => {
    const dir = tempDir();
    const first = await startEmbeddedDatabase(dir);
    expect(first.uri).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\/$/);
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
