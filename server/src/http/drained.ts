// Backpressure on a response: wait until it takes more, or the client has gone.
import type { ServerResponse } from 'node:http';

/** Resolves once the response can take more, or has closed. */
export function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
