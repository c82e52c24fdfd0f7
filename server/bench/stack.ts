// What the bench measures: the embedded database in a temporary folder, Parley
// on it (startParley, in this process, so process.cpuUsage is the server's), and
// the bare baseline server on the same database.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ObjectId } from 'mongodb';
import { type Parley, startParley } from '../src/app';
import { type Config, loadConfig } from '../src/config/env';
import { type EmbeddedDatabase, startEmbeddedDatabase } from '../src/db/ferretdb';
import { type BareServer, startBareServer } from './bareServer';

export const benchBcryptCost = 10;

export interface Stack {
  parley: Parley;
  bare: BareServer;
  embedded: EmbeddedDatabase;
  stop(): Promise<void>;
}

/** The settings of every Parley the bench starts: a quiet test server on the embedded database. */
function benchSettings(
  embedded: EmbeddedDatabase,
  database: string,
  dir: string,
  extra: Record<string, string>,
): Config {
  return loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    MONGODB_URI: embedded.uri,
    MONGODB_DB: database,
    DATA_DIR: join(dir, 'data'),
    JWT_SECRET: 'bench-secret-that-is-at-least-32-bytes-long',
    BCRYPT_COST: String(benchBcryptCost),
    LOG_LEVEL: 'warn',
    DEMO_USERS: 'false',
    ...extra,
  });
}

/** One more Parley on the stack's database server, in its own database, for one measurement. */
export async function startOwnParley(
  embedded: EmbeddedDatabase,
  database: string,
  extra: Record<string, string> = {},
): Promise<{ parley: Parley; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), `${database.replace(/_/g, '-')}-`));
  const parley = await startParley(benchSettings(embedded, database, dir, extra));
  return {
    parley,
    async stop() {
      await parley.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function startStack(): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
  const embedded = await startEmbeddedDatabase(join(dir, 'db'));
  const parley = await startParley(
    benchSettings(embedded, 'parley_bench', dir, {
      // The bench signs up its simulated users from one address.
      REGISTER_PER_ADDRESS: '100000',
      REGISTER_PER_MINUTE: '100000',
      // The live row's 1,000 viewers are one user's; at the default cap of 20 the
      // newest 20 would supersede the rest, and those would miss every message.
      LIVE_STREAMS_PER_USER: '2000',
      // The soak's simulated users each come from their own address.
      TRUST_PROXY: 'true',
    }),
  );
  const bare = await startBareServer(parley.services.db, new ObjectId());
  return {
    parley,
    bare,
    embedded,
    async stop() {
      await bare.close();
      await parley.stop();
      await embedded.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
