import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Services } from '../services';
import { sendJson } from './json';

/** GET /healthz: 200 with the database up, 503 otherwise. */
export function healthHandler(services: Services) {
  return async (_req: IncomingMessage, res: ServerResponse) => {
    const started = Date.now();
    let database: 'up' | 'down' = 'down';
    try {
      await services.db.db.command({ ping: 1 }, { timeoutMS: 2_000 });
      database = 'up';
    } catch {}
    sendJson(res, database === 'up' ? 200 : 503, {
      status: database === 'up' ? 'ok' : 'degraded',
      database,
      databaseLatencyMs: Date.now() - started,
      embedded: !services.config.mongoUri,
    });
  };
}
