// The HTTP server: routes requests to tRPC, health, the old REST surface and the
// web app. It owns timeouts and request ids; it holds no product logic.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isTransientDatabaseError } from '../db/errors';
import { log } from '../log';
import type { Services } from '../services';
import { RequestAborted } from './body';
import { applySecurityHeaders, securityHeaders } from './headers';
import { healthHandler } from './health';
import { sendJson } from './json';
import { staticHandler } from './static';
import { type TRPCHandlerOptions, trpcHandler } from './trpcHandler';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
/** A route answers true when it handled the request. */
export type Route = (
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
) => boolean | Promise<boolean>;

/**
 * `isDraining` turns new requests away while the server stops: one arriving on a
 * kept-alive connection would otherwise start work the shutdown then cuts off.
 * `webRoot` is the built web app's folder (web/dist unless a test says otherwise);
 * `trpc` is for the bench, which serves stock tRPC beside Parley's writers.
 */
export function createHttpServer(
  services: Services,
  extraRoutes: Route[] = [],
  isDraining: () => boolean = () => false,
  options: { webRoot?: string; trpc?: TRPCHandlerOptions } = {},
): Server {
  const trpc = trpcHandler(services, options.trpc);
  const health = healthHandler(services);
  const web = staticHandler(options.webRoot, {
    sourceMaps: services.config.env !== 'production',
  });
  const security = securityHeaders(services.config.env === 'production');
  const server = createServer(
    { requestTimeout: 30_000, headersTimeout: 10_000, connectionsCheckingInterval: 1_000 },
    async (req, res) => {
      const id = randomUUID();
      (req as IncomingMessage & { id: string }).id = id;
      res.setHeader('x-request-id', id);
      applySecurityHeaders(res, security);
      if (isDraining()) {
        res.setHeader('connection', 'close');
        sendJson(
          res,
          503,
          { detail: 'Parley is restarting; retry shortly.' },
          { 'retry-after': '1' },
        );
        return;
      }
      let url: URL;
      try {
        url = new URL(req.url ?? '/', 'http://localhost');
      } catch {
        sendJson(res, 400, { detail: 'Bad Request: the request target is not a valid path.' });
        return;
      }
      try {
        if (url.pathname.startsWith('/trpc/')) return await trpc(req, res, url);
        if (url.pathname === '/healthz') return await health(req, res);
        for (const route of extraRoutes) if (await route(req, res, url)) return;
        if (await web(req, res, url)) return;
        sendJson(res, 404, { detail: 'Not Found' });
      } catch (e) {
        // The path only: a query string may carry a token (connectionParams).
        const where = { requestId: id, method: req.method, path: url.pathname };
        if (e instanceof RequestAborted) {
          log.info('request aborted by the client', where);
          res.destroy();
          return;
        }
        if (isTransientDatabaseError(e)) {
          // The database is away or did not answer in time (a route's own reads): retry soon.
          if (!res.headersSent) {
            sendJson(
              res,
              503,
              { detail: 'The database is unavailable; retry shortly.', requestId: id },
              { 'retry-after': '1' },
            );
          } else res.destroy();
          log.warn('database unavailable', { ...where, error: String(e) });
          return;
        }
        if (!res.headersSent)
          sendJson(res, 500, { detail: 'Internal Server Error', requestId: id });
        else res.destroy();
        log.error('internal error', { ...where, error: (e as Error)?.stack ?? String(e) });
      }
    },
  );
  server.keepAliveTimeout = 5_000;
  server.maxHeadersCount = 100;
  return server;
}
