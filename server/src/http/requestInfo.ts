// Facts about an HTTP request that the context needs: address, cookies, and
// whether a cookie on it may be trusted (CSRF defence).
import type { IncomingMessage } from 'node:http';

/**
 * The caller's address. Behind `trustProxy` proxies, each appends the address it
 * saw, so the client is the entry that many places from the right; entries to the
 * left of it are whatever the client wrote and are never trusted.
 */
export function clientAddress(req: IncomingMessage, trustProxy: number): string {
  if (trustProxy > 0) {
    const header = req.headers['x-forwarded-for'];
    const chain = (Array.isArray(header) ? header.join(',') : (header ?? ''))
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    // A chain shorter than the hops configured: the farthest entry there is.
    const seen = chain[Math.max(0, chain.length - trustProxy)];
    if (seen) return seen.slice(0, 100);
  }
  return req.socket.remoteAddress ?? 'unknown';
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 1) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    try {
      out[name] = decodeURIComponent(value);
    } catch {
      out[name] = value;
    }
  }
  return out;
}

/**
 * A cookie-authenticated call must come from our own pages: a JSON body (forms
 * cannot send one without a CORS preflight), no cross-site fetch metadata, and an
 * Origin, when present, that is this host or an allowed one.
 */
export function isSameSiteRequest(req: IncomingMessage, allowedOrigins: string[]): boolean {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (req.method === 'POST' && type !== 'application/json') return false;
  const site = req.headers['sec-fetch-site'];
  if (site && site !== 'same-origin' && site !== 'none') return false;
  const origin = req.headers.origin;
  if (!origin) return true;
  if (allowedOrigins.includes(origin)) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
