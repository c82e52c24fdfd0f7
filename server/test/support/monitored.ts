// Services over a client whose every command is recorded (the driver's command
// monitoring), for tests that prove what a request asks of the database; and a
// session seeded the way the old service wrote one, fast, with the raw driver.
import { type CommandStartedEvent, MongoClient, ObjectId } from 'mongodb';
import { inject } from 'vitest';
import type { Config } from '../../src/config/env';
import { engineOf, openDatabase } from '../../src/db/database';
import { ensureIndexes } from '../../src/db/indexes';
import { InProcessBus } from '../../src/realtime/bus';
import { createServices, type Services } from '../../src/services';
import { testConfig } from './harness';

export interface Monitored {
  services: Services;
  client: MongoClient;
  /** Every command since the last `commands.length = 0`. */
  commands: CommandStartedEvent[];
  config: Config;
}

export async function monitoredServices(): Promise<Monitored> {
  const config = testConfig();
  const commands: CommandStartedEvent[] = [];
  const client = await MongoClient.connect(inject('mongoUri'), { monitorCommands: true });
  client.on('commandStarted', (e) => commands.push(e));
  const db = openDatabase(client, config.mongoDb, await engineOf(client));
  await ensureIndexes(db);
  return { services: createServices(config, db, new InProcessBus()), client, commands, config };
}

/** A session of n messages (no seq, no buckets), as the old service wrote them. */
export async function seedOldSession(
  services: Services,
  userId: ObjectId,
  n: number,
  opts: { count?: number; content?: (i: number) => string; title?: string } = {},
): Promise<string> {
  const sessionId = new ObjectId();
  const t0 = Date.now() - n * 1000;
  await services.db.sessions.insertOne({
    _id: sessionId,
    user_id: userId,
    title: opts.title ?? 'from the old service',
    message_count: opts.count ?? n,
    last_message_at: new Date(t0 + (n - 1) * 1000),
    created_at: new Date(t0 - 1000),
    updated_at: new Date(t0),
    deleted: false,
    deleted_at: null,
  });
  const content = opts.content ?? ((i: number) => `old ${i + 1}`);
  await services.db.messages.insertMany(
    Array.from({ length: n }, (_, i) => ({
      _id: new ObjectId(),
      session_id: sessionId,
      user_id: userId,
      content: content(i),
      role: 'user' as const,
      created_at: new Date(t0 + i * 1000),
      updated_at: new Date(t0 + i * 1000),
      deleted: false,
      deleted_at: null,
    })),
  );
  return sessionId.toHexString();
}
