// Everything a request may use, built once at start-up and handed to the context.
import { CallerCache } from './auth/callers';
import { PasswordHasher } from './auth/passwords';
import { RegistrationThrottle } from './auth/registrationThrottle';
import { LoginThrottle } from './auth/throttle';
import { AccessTokens } from './auth/tokens';
import { KeyedLock } from './chat/keyedLock';
import type { Config } from './config/env';
import type { Database } from './db/database';
import type { EventBus } from './realtime/bus';

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
  /** Serialises writes to one document within this process (FerretDB v1 updates are not atomic). */
  locks: KeyedLock;
}

export function createServices(config: Config, db: Database, bus: EventBus): Services {
  return {
    config,
    db,
    bus,
    passwords: new PasswordHasher(config.bcryptCost, config.bcrypt),
    tokens: new AccessTokens(config.jwtSecret, config.accessTokenTtlSeconds),
    throttle: new LoginThrottle(config.loginThrottle),
    registrations: new RegistrationThrottle(config.registrationThrottle),
    callers: new CallerCache(config.callerCacheMs),
    locks: new KeyedLock(),
  };
}
