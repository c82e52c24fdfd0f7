// Graceful stop: refuse new connections, let in-flight requests finish (live
// streams are ended, clients resume), then close what is left.
import type { IncomingMessage, Server } from 'node:http';

const isStream = (req: IncomingMessage) => (req.headers.accept ?? '').includes('text/event-stream');

export function trackRequests(server: Server) {
  let inFlight = 0;
  let idle: (() => void) | null = null;
  const streams = new Set<IncomingMessage>();
  server.on('request', (req: IncomingMessage, res) => {
    if (isStream(req)) {
      streams.add(req);
      res.once('close', () => streams.delete(req));
      return;
    }
    inFlight++;
    res.once('close', () => {
      inFlight--;
      if (inFlight === 0) idle?.();
    });
  });
  return {
    async drain(timeoutMs: number): Promise<void> {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      for (const req of streams) req.socket.destroy();
      if (inFlight > 0) {
        await Promise.race([
          new Promise<void>((resolve) => {
            idle = resolve;
          }),
          new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref()),
        ]);
      }
      server.closeAllConnections();
      await closed;
    },
  };
}
