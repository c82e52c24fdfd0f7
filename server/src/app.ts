// Parley's lifecycle: database (embedded or MONGODB_URI), indexes, bus, HTTP
// server; and a graceful stop that finishes in-flight requests and loses nothing.
import type { AddressInfo } from 'node:net';
import { interruptLeftoverReplies } from './assistant/recovery';
import { shareThrottles } from './auth/throttleSharing';
import { seedDemoUsers } from './auth/users';
import type { Config } from './config/env';
import { connectDatabase, type Database, redactUri } from './db/database';
import { type EmbeddedDatabase, startEmbeddedDatabase } from './db/ferretdb';
import { ensureIndexes } from './db/indexes';
import { type AdoptionReport, adoptOldDatabase, needsAdoption } from './doctor/adopt';
import { type LiveSockets, serveLiveSockets } from './http/liveSockets';
import { portabilityRoutes } from './http/portability';
import { restRoutes } from './http/rest';
import { createHttpServer } from './http/server';
import { trackRequests } from './http/shutdown';
import { log, setLogLevel } from './log';
import { startSweeper } from './maintenance';
import { removeStaleUploads } from './portability/uploadFolders';
import { type EventBus, InProcessBus } from './realtime/bus';
import { RedisBus } from './realtime/redisBus';
import { createServices, type Services } from './services';

export interface Parley {
  url: string;
  port: number;
  services: Services;
  embedded: EmbeddedDatabase | undefined;
  /** Where the data lives, for the start-up message. */
  databaseLabel: string;
  /** The background repair of a database the old service wrote (null: none was needed). */
  adoption: Promise<AdoptionReport | null>;
  /** The web app's live sockets (http/liveSockets.ts). */
  sockets: LiveSockets;
  stop(): Promise<void>;
}

export async function startParley(config: Config): Promise<Parley> {
  setLogLevel(config.logLevel);
  let embedded: EmbeddedDatabase | undefined;
  let db: Database | undefined;
  let bus: EventBus | undefined;
  try {
    embedded = config.mongoUri ? undefined : await startEmbeddedDatabase(config.dataDir);
    db = await connectDatabase(
      config.mongoUri ?? embedded?.uri ?? '',
      config.mongoDb,
      config.mongoUri ? 'MONGODB_URI' : 'the embedded database',
    );
    await ensureIndexes(db);
    bus = config.redisUrl
      ? await RedisBus.connect(config.redisUrl, config.redisPrefix)
      : new InProcessBus();
  } catch (e) {
    await bus?.close();
    await db?.client.close().catch(() => {});
    await embedded?.stop();
    throw e;
  }
  const services = createServices(config, db, bus);
  const oldDatabase = await needsAdoption(db);
  const unfollowCallers = await services.callers.follow(bus);
  const unfollowSignOuts = await services.signedOut.follow(bus);
  const unshareThrottles = await shareThrottles(bus, services.throttle, services.registrations);
  // Before any request: a reply a crash left as a draft must not look as if it still grew.
  const interrupted = await interruptLeftoverReplies(services);
  if (interrupted > 0) log.info('replies left streaming marked interrupted', { interrupted });
  await services.assistant?.follow();
  if (embedded && config.demoUsers && config.env === 'development') {
    await seedDemoUsers(db, services.passwords);
  }
  // Purges a crash or a restart cut short go on in the background.
  const pending = await services.purges.resume();
  if (pending > 0) log.info('finishing chats left half-purged', { pending });
  const leftUploads = await removeStaleUploads();
  if (leftUploads > 0) log.info('removed uploads of ended processes', { folders: leftUploads });
  const sweeper = startSweeper(services);
  let stopping: Promise<void> | undefined;
  const adoption = oldDatabase
    ? adoptOldDatabase(services, () => stopping !== undefined).catch((e) => {
        log.warn('repairing the old database stopped; it resumes at the next start', {
          error: String(e),
        });
        return null;
      })
    : Promise.resolve(null);
  let draining = false;
  const server = createHttpServer(
    services,
    [restRoutes(services), portabilityRoutes(services)],
    () => draining,
  );
  const requests = trackRequests(server);
  const sockets = serveLiveSockets(server, services, () => draining);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    url: `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${port}`,
    port,
    services,
    embedded,
    databaseLabel: embedded
      ? `embedded FerretDB on SQLite in ${embedded.dataDir}`
      : `MONGODB_URI ${redactUri(config.mongoUri ?? '')}`,
    adoption,
    sockets,
    stop() {
      stopping ??= (async () => {
        clearInterval(sweeper);
        draining = true;
        await services.assistant?.close();
        // Live sockets first: their clients reconnect and resume once a server is back.
        await sockets.close(2_000);
        await requests.drain(10_000);
        await adoption;
        await services.purges.close();
        unfollowCallers();
        unfollowSignOuts();
        unshareThrottles();
        await bus.close();
        await db.client.close().catch(() => {});
        await embedded?.stop();
      })();
      return stopping;
    },
  };
}
