// Parley's HTTP server three ways on one set of services, in this process (so
// process.cpuUsage is theirs): as it ships, with every call through stock tRPC
// (resolveResponse over its node-http adapter, tRPC's SSE producer), and with the
// calls tRPC answers written by resolveResponse with lean Node I/O instead of the adapter.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpServer } from '../src/http/server';
import type { TRPCHandlerOptions } from '../src/http/trpcHandler';
import { createServices, type Services } from '../src/services';
import { leanAnswer } from './leanAnswer';
import type { Stack } from './stack';

export interface SideServers {
  services: Services;
  parley: string;
  stock: string;
  lean: string;
  close(): Promise<void>;
}

async function listen(services: Services, trpc: TRPCHandlerOptions) {
  const server = createHttpServer(services, [], () => false, { trpc });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, url };
}

const stop = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

/** On the stack's database and bus, with room for `streams` live streams of one user. */
export async function startSideServers(stack: Stack, streams: number): Promise<SideServers> {
  const { config, db, bus } = stack.parley.services;
  const services = createServices(
    { ...config, live: { ...config.live, streamsPerUser: streams } },
    db,
    bus,
  );
  const sides = await Promise.all([
    listen(services, {}),
    listen(services, { viaTRPC: true }),
    listen(services, { answer: leanAnswer }),
  ]);
  const [parley, stock, lean] = sides.map((s) => s.url) as [string, string, string];
  return {
    services,
    parley,
    stock,
    lean,
    close: async () => {
      await Promise.all(sides.map((s) => stop(s.server)));
    },
  };
}
