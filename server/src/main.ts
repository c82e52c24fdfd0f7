// `npm start`: parse config, start Parley, stop gracefully on SIGINT/SIGTERM.
import { startParley } from './app';
import { ConfigError, loadConfig } from './config/env';
import { DatabaseUnreachableError } from './db/database';
import { EmbeddedDatabaseError } from './db/ferretdb';
import { DatabaseStateError } from './db/indexes';

async function main(): Promise<void> {
  let parley: Awaited<ReturnType<typeof startParley>>;
  try {
    parley = await startParley(loadConfig());
  } catch (e) {
    if (
      e instanceof ConfigError ||
      e instanceof DatabaseUnreachableError ||
      e instanceof EmbeddedDatabaseError ||
      e instanceof DatabaseStateError
    ) {
      console.error(`\nParley could not start.\n${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  console.log(
    `Parley is listening on ${parley.url}  (API: ${parley.url}/trpc, health: ${parley.url}/healthz)`,
  );
  console.log(`Data: ${parley.databaseLabel}`);
  let signals = 0;
  const shutdown = (signal: string) => {
    if (++signals > 1) process.exit(1);
    console.log(`\n${signal}: finishing requests in flight, then stopping…`);
    parley.stop().then(
      () => process.exit(0),
      (e) => {
        console.error(e);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

void main();
