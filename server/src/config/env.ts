// Config: the environment, parsed once with zod. Nothing else reads process.env.
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import type { HashingLimits } from '../auth/passwords';
import type { RegistrationLimits } from '../auth/registrationThrottle';
import type { LoginThrottleLimits } from '../auth/throttle';
import type { SearchLimits } from '../search/indexes';
import { ConfigError } from './configError';
import { resolveJwtSecret } from './jwtSecret';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/**
 * A live stream's client reconnects after this long without a byte (sent to it in
 * tRPC's `connected` event, trpc/init.ts); LIVE_PING_MS must stay below it.
 */
export const clientReconnectAfterInactivityMs = 20_000;

/** A whole number from the environment, within its bounds, or `fallback` when unset. */
const int = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

/** A name (database, channel prefix, instance) of the characters `pattern` allows. */
const name = (pattern: RegExp, fallback: string) => z.string().regex(pattern).default(fallback);

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: int(0, 65535, 8000),
  HOST: z.string().min(1).optional(),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
    .optional(),
  MONGODB_DB: name(/^[A-Za-z0-9_-]{1,63}$/, 'parley'),
  DATA_DIR: z.string().min(1).default('.data'),
  JWT_SECRET: z.string().optional(),
  BCRYPT_COST: int(4, 15, 12),
  ACCESS_TOKEN_TTL_SECONDS: int(10, 86_400, 900),
  REFRESH_TOKEN_TTL_DAYS: int(1, 365, 30),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .optional(),
  /** Namespace of Parley's Redis channels, so deployments (or test runs) sharing a Redis never cross. */
  REDIS_PREFIX: name(/^[A-Za-z0-9:_.-]{0,64}$/, 'parley:'),
  LIVE_AUTH_RECHECK_MS: int(50, 3_600_000, 30_000),
  LIVE_BUFFER_SIZE: int(1, 100_000, 1_000),
  LIVE_STREAM_MAX_MS: int(1_000, 86_400_000, 30 * 60_000),
  /** A live stream that has sent nothing this long gets a ping, well before its client gives up on it. */
  LIVE_PING_MS: int(50, clientReconnectAfterInactivityMs - 1_000, 15_000),
  /** How many proxies in front append to X-Forwarded-For; `true` means one, `false` none. */
  TRUST_PROXY: z
    .string()
    .regex(/^(true|false|yes|no|\d{1,2})$/, 'must be true, false or a number of proxies (0-99)')
    .transform((v) =>
      v === 'true' || v === 'yes' ? 1 : v === 'false' || v === 'no' ? 0 : Number(v),
    )
    .default(0),
  /** Failed logins of one name from one address before that address is refused for the name. */
  LOGIN_PER_USERNAME_AND_ADDRESS: int(1, 1_000, 5),
  /** Failed logins from one address, any names, before it is refused. */
  LOGIN_PER_ADDRESS: int(1, 100_000, 30),
  LOGIN_WINDOW_SECONDS: int(1, 86_400, 900),
  /** Failed logins of one name, from anywhere, after which its attempts are delayed (never refused). */
  LOGIN_SLOW_AFTER: int(1, 1_000, 5),
  LOGIN_DELAY_MS: int(1, 60_000, 500),
  LOGIN_DELAY_MAX_MS: int(1, 60_000, 8_000),
  /** Sign-ups from one address per REGISTER_WINDOW_SECONDS; "That username is taken" answers count too. */
  REGISTER_PER_ADDRESS: int(1, 100_000, 5),
  REGISTER_WINDOW_SECONDS: int(1, 86_400, 600),
  /** Sign-ups per minute across all addresses, per process. */
  REGISTER_PER_MINUTE: int(1, 100_000, 60),
  /** Sign-ups that may wait for bcrypt (they hash one at a time, sign-ins go first). */
  REGISTER_HASH_QUEUE: int(0, 10_000, 8),
  /**
   * Live streams one user may hold open in a process; one more ends their oldest. A tab
   * with a chat open holds three, so 64 keeps a score of tabs live.
   */
  LIVE_STREAMS_PER_USER: int(1, 10_000, 64),
  /** Live streams one process holds open; beyond it new ones are refused (retryable). */
  LIVE_STREAMS_PER_PROCESS: int(1, 1_000_000, 10_000),
  /** The web app's live sockets (one per tab) one user may hold open in a process; past it one more is refused. */
  LIVE_SOCKETS_PER_USER: int(1, 10_000, 32),
  /** Live sockets one process holds, signed in or still saying who they are; past it new ones are refused. */
  LIVE_SOCKETS_PER_PROCESS: int(1, 1_000_000, 10_000),
  /** Chat sessions one user may store (the trash included). */
  SESSIONS_PER_USER: int(1, 10_000_000, 10_000),
  /** Messages one chat may hold, replies included; past it, sends to it are refused. */
  MESSAGES_PER_SESSION: int(1, 10_000_000, 100_000),
  /** The largest file POST /import takes (API requests stay at 1 MiB). */
  IMPORT_MAX_BYTES: int(1_024, 4 * 1024 ** 3, 256 * 1024 ** 2),
  /** Imports one process runs at once, each holding up to one conversation in memory; past it, 429. */
  IMPORTS_AT_ONCE: int(1, 1_000, 4),
  /** Exports (a chat or the whole account) one user may run at once in a process; past it, 429. */
  EXPORTS_PER_USER: int(1, 1_000, 2),
  /** Exports one process runs at once; past it, 429. */
  EXPORTS_AT_ONCE: int(1, 10_000, 8),
  /** Millions of characters of text one imported ChatGPT conversation may hold while it is read. */
  IMPORT_CONVERSATION_MAX_MB: int(1, 1_024, 64),
  /** An OpenAI-compatible Chat Completions server (Ollama, llama.cpp, vLLM, OpenAI); unset: no assistant. */
  ASSISTANT_BASE_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  ASSISTANT_MODEL: z.string().min(1).max(200).optional(),
  ASSISTANT_API_KEY: z.string().optional(),
  ASSISTANT_SYSTEM_PROMPT: z.string().max(32_000).optional(),
  ASSISTANT_MAX_CONTEXT_MESSAGES: int(1, 1_000, 40),
  /** Characters of context sent at most: a stand-in for the model's token limit. */
  ASSISTANT_MAX_CONTEXT_CHARS: int(100, 10_000_000, 24_000),
  /** Replies streaming at once in this process; more wait in a queue. */
  ASSISTANT_MAX_CONCURRENT: int(1, 1_000, 4),
  /** Replies that may wait for a turn; beyond it a reply fails at once (retryable). */
  ASSISTANT_QUEUE: int(0, 100_000, 100),
  /** Replies one user may start per minute; messages past it get none. */
  ASSISTANT_REPLIES_PER_MINUTE: int(1, 10_000, 20),
  /** A model that sends nothing for this long has its reply ended as failed. */
  ASSISTANT_IDLE_TIMEOUT_MS: int(50, 3_600_000, 60_000),
  /** How often a growing reply is saved, so a view opened mid-reply sees it. */
  ASSISTANT_SAVE_EVERY_MS: int(50, 60_000, 1_000),
  /** Names this process's list of running replies; each process of a deployment needs its own. */
  ASSISTANT_INSTANCE: name(/^[A-Za-z0-9:_.-]{1,64}$/, 'main'),
  /** Users whose search index a process keeps in memory; the least recently used beyond it is dropped. */
  SEARCH_MAX_USERS: int(1, 100_000, 100),
  /** Estimated heap of all search indexes in a process, in MB, beyond which the oldest go. */
  SEARCH_MAX_MB: int(1, 65_536, 512),
  /** A search's catch-up of at most this many buckets (50 messages each) is waited for; more runs in the background. */
  SEARCH_AWAIT_BUCKETS: int(0, 1_000, 20),
  /** Days a chat stays in the trash before the sweep deletes it for good; 0 keeps it. */
  TRASH_RETENTION_DAYS: int(0, 36_500, 30),
  ALLOWED_ORIGINS: z.string().optional(),
  DEMO_USERS: bool.optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  env: Env['NODE_ENV'];
  port: number;
  host: string;
  mongoUri: string | undefined;
  mongoDb: string;
  dataDir: string;
  jwtSecret: string;
  bcryptCost: number;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
  redisUrl: string | undefined;
  redisPrefix: string;
  /**
   * Live streams: token re-check interval, per-stream buffer, lifetime before the client
   * reconnects, and how many may be open per user and per process.
   */
  live: {
    authRecheckMs: number;
    bufferSize: number;
    streamMaxMs: number;
    pingMs: number;
    streamsPerUser: number;
    streamsPerProcess: number;
    socketsPerUser: number;
    socketsPerProcess: number;
  };
  /** Chat sessions one user may store. */
  sessionsPerUser: number;
  /** Messages one chat session may hold, replies included. */
  messagesPerSession: number;
  /** The largest file an import takes, in bytes. */
  importMaxBytes: number;
  /** Imports one process runs at once. */
  importsAtOnce: number;
  /** Exports one user, and one process, may run at once. */
  exports: { perUser: number; perProcess: number };
  /** Characters of keys and strings one ChatGPT conversation may hold while it is read. */
  importConversationMaxChars: number;
  /** Search indexes kept in memory (users, estimated MB) and how much catch-up a search waits for. */
  search: SearchLimits;
  /** Days in the trash before a chat is purged by the sweep (0: never). */
  trashRetentionDays: number;
  /** Proxies in front of the server whose X-Forwarded-For entries are trusted (0: none). */
  trustProxy: number;
  allowedOrigins: string[];
  demoUsers: boolean;
  logLevel: Env['LOG_LEVEL'];
  /** Failed logins refused per (username, address) and per address; a username alone is only slowed. */
  loginThrottle: LoginThrottleLimits;
  /** Sign-ups allowed per address in the window, and per minute per process. */
  registrationThrottle: RegistrationLimits;
  /** bcrypt operations running at once and how many sign-ins may wait; sign-ups have a smaller lane. */
  bcrypt: HashingLimits;
  /** A spent refresh credential presented again this soon (two tabs at once) gets a sibling, not a revocation. */
  refreshReuseGraceMs: number;
  /** How long a process may reuse a caller's user record without reading it again. */
  callerCacheMs: number;
  /** A batched send's write that the database has not answered by then fails as retryable. */
  writeDeadlineMs: number;
  /** The model that answers user messages; null: none is configured. */
  assistant: AssistantConfig | null;
}

export interface AssistantConfig {
  baseUrl: string;
  model: string;
  apiKey: string | undefined;
  systemPrompt: string | undefined;
  maxContextMessages: number;
  maxContextChars: number;
  maxConcurrent: number;
  queue: number;
  repliesPerMinute: number;
  idleTimeoutMs: number;
  saveEveryMs: number;
  instance: string;
}

export { ConfigError };

/** Parses the environment; a bad value throws a ConfigError naming the variable. */
export function loadConfig(
  source: Record<string, string | undefined> = process.env,
  cwd = source.INIT_CWD ?? process.cwd(),
): Config {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  const dataDir = isAbsolute(env.DATA_DIR) ? env.DATA_DIR : resolve(cwd, env.DATA_DIR);
  const production = env.NODE_ENV === 'production';
  return {
    env: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST ?? (production ? '0.0.0.0' : '127.0.0.1'),
    mongoUri: env.MONGODB_URI,
    mongoDb: env.MONGODB_DB,
    dataDir,
    jwtSecret: resolveJwtSecret(env.JWT_SECRET, production, dataDir),
    bcryptCost: env.BCRYPT_COST,
    accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlDays: env.REFRESH_TOKEN_TTL_DAYS,
    redisUrl: env.REDIS_URL,
    redisPrefix: env.REDIS_PREFIX,
    live: {
      authRecheckMs: env.LIVE_AUTH_RECHECK_MS,
      bufferSize: env.LIVE_BUFFER_SIZE,
      streamMaxMs: env.LIVE_STREAM_MAX_MS,
      pingMs: env.LIVE_PING_MS,
      streamsPerUser: env.LIVE_STREAMS_PER_USER,
      streamsPerProcess: env.LIVE_STREAMS_PER_PROCESS,
      socketsPerUser: env.LIVE_SOCKETS_PER_USER,
      socketsPerProcess: env.LIVE_SOCKETS_PER_PROCESS,
    },
    sessionsPerUser: env.SESSIONS_PER_USER,
    messagesPerSession: env.MESSAGES_PER_SESSION,
    importMaxBytes: env.IMPORT_MAX_BYTES,
    importsAtOnce: env.IMPORTS_AT_ONCE,
    exports: { perUser: env.EXPORTS_PER_USER, perProcess: env.EXPORTS_AT_ONCE },
    importConversationMaxChars: env.IMPORT_CONVERSATION_MAX_MB * 1024 ** 2,
    search: {
      maxUsers: env.SEARCH_MAX_USERS,
      maxMb: env.SEARCH_MAX_MB,
      awaitBuckets: env.SEARCH_AWAIT_BUCKETS,
    },
    trashRetentionDays: env.TRASH_RETENTION_DAYS,
    trustProxy: env.TRUST_PROXY,
    allowedOrigins: (env.ALLOWED_ORIGINS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    demoUsers: env.DEMO_USERS ?? !production,
    logLevel: env.LOG_LEVEL,
    loginThrottle: {
      windowMs: env.LOGIN_WINDOW_SECONDS * 1000,
      perUsernameAndAddress: env.LOGIN_PER_USERNAME_AND_ADDRESS,
      perAddress: env.LOGIN_PER_ADDRESS,
      slowAfter: env.LOGIN_SLOW_AFTER,
      delayMs: env.LOGIN_DELAY_MS,
      maxDelayMs: Math.max(env.LOGIN_DELAY_MS, env.LOGIN_DELAY_MAX_MS),
    },
    registrationThrottle: {
      windowMs: env.REGISTER_WINDOW_SECONDS * 1000,
      perAddress: env.REGISTER_PER_ADDRESS,
      perMinute: env.REGISTER_PER_MINUTE,
    },
    bcrypt: {
      concurrency: 2,
      queue: 64,
      registrations: { concurrency: 1, queue: env.REGISTER_HASH_QUEUE },
    },
    refreshReuseGraceMs: 10_000,
    callerCacheMs: 2_000,
    writeDeadlineMs: 15_000,
    assistant: assistantConfig(env),
  };
}

function assistantConfig(env: Env): AssistantConfig | null {
  if (!env.ASSISTANT_BASE_URL) return null;
  if (!env.ASSISTANT_MODEL) {
    throw new ConfigError(
      'Invalid configuration:\n  ASSISTANT_MODEL: required with ASSISTANT_BASE_URL (e.g. llama3.2)',
    );
  }
  return {
    baseUrl: env.ASSISTANT_BASE_URL,
    model: env.ASSISTANT_MODEL,
    apiKey: env.ASSISTANT_API_KEY,
    systemPrompt: env.ASSISTANT_SYSTEM_PROMPT,
    maxContextMessages: env.ASSISTANT_MAX_CONTEXT_MESSAGES,
    maxContextChars: env.ASSISTANT_MAX_CONTEXT_CHARS,
    maxConcurrent: env.ASSISTANT_MAX_CONCURRENT,
    queue: env.ASSISTANT_QUEUE,
    repliesPerMinute: env.ASSISTANT_REPLIES_PER_MINUTE,
    idleTimeoutMs: env.ASSISTANT_IDLE_TIMEOUT_MS,
    saveEveryMs: env.ASSISTANT_SAVE_EVERY_MS,
    instance: env.ASSISTANT_INSTANCE,
  };
}
