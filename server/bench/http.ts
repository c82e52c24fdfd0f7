// A small bounded HTTP client for the load process: keep-alive sockets capped at
// the concurrency asked for, a timeout per request, and latencies in milliseconds.
import { Agent, request } from 'node:http';
import { buffer } from 'node:stream/consumers';

export interface RequestSpec {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface Answer {
  status: number;
  body: string;
  ms: number;
}

export function agentFor(concurrency: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
}

export function send(
  base: string,
  spec: RequestSpec,
  agent: Agent,
  timeoutMs = 30_000,
): Promise<Answer> {
  const url = new URL(spec.path, base);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: spec.method,
        agent,
        headers: {
          ...(spec.body !== undefined
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(spec.body) }
            : {}),
          ...spec.headers,
        },
        timeout: timeoutMs,
      },
      (res) => {
        buffer(res).then((body) => {
          const ms = performance.now() - started;
          resolve({ status: res.statusCode ?? 0, body: body.toString('utf8'), ms });
        }, reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(spec.body);
  });
}
