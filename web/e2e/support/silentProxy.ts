// A TCP proxy between the browser and the server that can go silent: while paused it
// keeps every connection open and accepts new ones, but forwards nothing (not even a
// close), as a dropped Wi-Fi does. Resuming delivers what waited, in order.
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface SilentProxy {
  url: string;
  pause(): void;
  resume(): void;
  close(): Promise<void>;
}

type Chunk = Buffer | 'end';

export async function startSilentProxy(target: string): Promise<SilentProxy> {
  const { hostname, port } = new URL(target);
  let paused = false;
  const held: (() => void)[] = [];
  const sockets = new Set<Socket>();

  /** Forwards from one side to the other, holding everything back while paused. */
  function forward(from: Socket, to: Socket) {
    const deliver = (chunk: Chunk) => {
      if (to.destroyed) return;
      if (chunk === 'end') to.end();
      else to.write(chunk);
    };
    const pass = (chunk: Chunk) => (paused ? held.push(() => deliver(chunk)) : deliver(chunk));
    from.on('data', (data: Buffer) => pass(data));
    from.on('end', () => pass('end'));
    from.on('error', () => pass('end'));
  }

  const server: Server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    forward(client, upstream);
    forward(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy has no port');

  return {
    url: `http://127.0.0.1:${address.port}`,
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
      for (const run of held.splice(0)) run();
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
