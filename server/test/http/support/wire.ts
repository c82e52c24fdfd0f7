// Real HTTP for the web-serving tests: answers as bytes (compressed bodies stay as
// sent), request paths sent exactly as written, and a server over a fixture web app.
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buffer } from 'node:stream/consumers';
import { restRoutes } from '../../../src/http/rest';
import { createHttpServer } from '../../../src/http/server';
import type { Services } from '../../../src/services';
import { closeServices, testServices } from '../../support/harness';

export interface WireAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** `path` goes on the request line untouched (no URL normalisation of `%2f` or `..`). */
export function wire(
  base: string,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<WireAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}/`,
      { method: opts.method ?? 'GET', path, headers: opts.headers, agent: false, timeout: 10_000 },
      (res) => {
        buffer(res).then(
          (body) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }),
          reject,
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(opts.body);
  });
}

export interface WebServer {
  url: string;
  services: Services;
  stop(): Promise<void>;
}

/** Parley's HTTP server (tRPC, REST, health, web app) with its web app read from `webRoot`. */
export async function serveWeb(
  webRoot: string,
  env: Record<string, string> = {},
): Promise<WebServer> {
  const services = await testServices(env);
  const server = createHttpServer(services, [restRoutes(services)], () => false, { webRoot });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    services,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await closeServices(services);
    },
  };
}
