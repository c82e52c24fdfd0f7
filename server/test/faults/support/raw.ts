// Raw HTTP for hostile requests: a body written in chunks, an answer or a reset,
// and how long it took. Never throws; every request has a deadline.
import { request } from 'node:http';

export interface RawAnswer {
  status: number;
  body: string;
  /** Set when the connection failed before an answer (e.g. reset after a refusal). */
  error?: string;
  ms: number;
}

export function rawRequest(
  url: string,
  opts: { method?: string; headers?: Record<string, string | number>; chunks?: Buffer[] },
  timeoutMs = 20_000,
): Promise<RawAnswer> {
  const started = performance.now();
  return new Promise((resolve) => {
    let done = false;
    const finish = (a: Omit<RawAnswer, 'ms'>) => {
      if (done) return;
      done = true;
      resolve({ ...a, ms: performance.now() - started });
    };
    const req = request(
      url,
      { method: opts.method ?? 'GET', headers: opts.headers, agent: false, timeout: timeoutMs },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          if (body.length < 10_000) body += c;
        });
        res.on('end', () => finish({ status: res.statusCode ?? 0, body }));
        res.on('error', () => finish({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('TIMEOUT')));
    req.on('error', (e) => finish({ status: 0, body: '', error: e.message }));
    const chunks = opts.chunks ?? [];
    const write = (i: number) => {
      if (done || req.destroyed) return;
      if (i >= chunks.length) return void req.end();
      if (req.write(chunks[i] as Buffer)) setImmediate(() => write(i + 1));
      else req.once('drain', () => write(i + 1));
    };
    write(0);
  });
}
