// Everything a request may use, built once at start-up and handed to the context.
import { Assistant } from './assistant/service';
import { CallerCache } from './auth/callers';
import { PasswordHasher } from './auth/passwords';
import { RegistrationThrottle } from './auth/registrationThrottle';
import { SignedOutFamilies } from './auth/signedOut';
import { LoginThrottle } from './auth/throttle';
import { AccessTokens } from './auth/tokens';
import type { HalfDoneChange } from './chat/damage';
import { ListChecks } from './chat/listChecks';
import { pagesAtOnce, pagesWaiting } from './chat/pageReads';
import { PurgeWorker } from './chat/purgeWorker';
import { SessionCopies } from './chat/sessionCopies';
import type { Config } from './config/env';
import type { Database } from './db/database';
import { KeyedLock } from './lib/keyedLock';
import { PerUserQueue } from './lib/perUserQueue';
import type { RunningSweep } from './maintenance';
import { RunningExports } from './portability/runningExports';
import type { EventBus } from './realtime/bus';
import { LiveStreams } from './realtime/streams';
import { SearchIndexes } from './search/indexes';

export interface Services {
  config: Config;
  db: Database;
  bus: EventBus;
  passwords: PasswordHasher;
  tokens: AccessTokens;
  throttle: LoginThrottle;
  registrations: RegistrationThrottle;
  /** Callers' user records, reused for a few seconds (auth/callers.ts). */
  callers: CallerCache;
  /** Devices signed out one by one: their access tokens end at once (auth/signedOut.ts). */
  signedOut: SignedOutFamilies;
  /** Serialises writes to one document within this process (FerretDB v1 updates are not atomic). */
  locks: KeyedLock;
  /**
   * Sessions whose last write failed half-way in this process, with the message changes
   * that left unannounced: repaired (and those announced) before their next use.
   */
  damaged: Map<string, HalfDoneChange[]>;
  /** Each session as its last send batch left it, for the next (chat/sessionCopies.ts). */
  sessionCopies: SessionCopies;
  /** When each user's listed sessions were last checked against chat_sessions. */
  listChecks: ListChecks;
  /** Live streams open in this process: caps, and ending them when a token is revoked. */
  streams: LiveStreams;
  /** Replies from the configured model; null when none is configured. */
  assistant: Assistant | null;
  /** Search indexes of the users who searched lately, in this process. */
  search: SearchIndexes;
  /** Deletes purged sessions' contents in the background. */
  purges: PurgeWorker;
  /** Message pages being read, a few at a time per user (chat/pageReads.ts). */
  pageReads: PerUserQueue;
  /** Users whose import runs in this process: one at a time each (portability/importFile.ts). */
  imports: Set<string>;
  /** Exports running in this process, a few at a time per user (portability/runningExports.ts). */
  exports: RunningExports;
  /** Deleted folders whose chats are being moved out in this process (chat/folders.ts). */
  folderRepairs: Set<string>;
  /** The periodic sweep running in this process, if one is (maintenance.ts). */
  sweeping: RunningSweep | null;
}

export function createServices(config: Config, db: Database, bus: EventBus): Services {
  const callers = new CallerCache(config.callerCacheMs);
  const streams = new LiveStreams({
    perUser: config.live.streamsPerUser,
    perProcess: config.live.streamsPerProcess,
  });
  callers.watch((userId) => streams.userChanged(userId));
  const locks = new KeyedLock();
  const services: Services = {
    config,
    db,
    bus,
    passwords: new PasswordHasher(config.bcryptCost, config.bcrypt),
    tokens: new AccessTokens(config.jwtSecret, config.accessTokenTtlSeconds),
    throttle: new LoginThrottle(config.loginThrottle),
    registrations: new RegistrationThrottle(config.registrationThrottle),
    callers,
    signedOut: new SignedOutFamilies(db, config.callerCacheMs),
    locks,
    sessionCopies: new SessionCopies(locks, { enabled: !bus.crossProcess }),
    listChecks: new ListChecks(),
    damaged: new Map(),
    streams,
    assistant: null,
    search: new SearchIndexes(config.search),
    purges: new PurgeWorker(() => services),
    pageReads: new PerUserQueue(pagesAtOnce, pagesWaiting),
    imports: new Set(),
    exports: new RunningExports(config.exports),
    folderRepairs: new Set(),
    sweeping: null,
  };
  if (config.assistant) services.assistant = new Assistant(services, config.assistant);
  return services;
}
