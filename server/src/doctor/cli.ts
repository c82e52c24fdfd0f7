// `npm run doctor [-- --fix]`: opens the database the server would use
// (MONGODB_URI, or the embedded one on DATA_DIR) and runs the doctor on it.
import { ConfigError, loadConfig } from '../config/env';
import { connectDatabase, DatabaseUnreachableError, redactUri } from '../db/database';
import { EmbeddedDatabaseError, startEmbeddedDatabase } from '../db/ferretdb';
import { setLogLevel } from '../log';
import { runDoctor } from './index';
import { formatReport, progressPrinter } from './report';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--fix');
  if (unknown.length > 0) {
    console.error(`Unknown option ${unknown.join(' ')}. Usage: npm run doctor [-- --fix]`);
    return 2;
  }
  const fix = args.includes('--fix');
  const config = loadConfig();
  setLogLevel('warn');
  const embedded = config.mongoUri ? undefined : await startEmbeddedDatabase(config.dataDir);
  const uri = config.mongoUri ?? embedded?.uri ?? '';
  try {
    const db = await connectDatabase(
      uri,
      config.mongoDb,
      config.mongoUri ? 'MONGODB_URI' : 'the embedded database',
    );
    try {
      const where = embedded ? `the embedded database in ${embedded.dataDir}` : redactUri(uri);
      console.log(
        `Parley doctor ${fix ? '(repairing)' : '(report only)'}: ${where}, database "${db.db.databaseName}"\n`,
      );
      const report = await runDoctor(db, { fix, progress: progressPrinter() });
      console.log(formatReport(report));
      return 0;
    } finally {
      await db.client.close();
    }
  } finally {
    await embedded?.stop();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: Error) => {
    const known =
      e instanceof ConfigError ||
      e instanceof DatabaseUnreachableError ||
      e instanceof EmbeddedDatabaseError;
    console.error(known ? `\nThe doctor could not start.\n${e.message}\n` : e);
    process.exitCode = 1;
  },
);
