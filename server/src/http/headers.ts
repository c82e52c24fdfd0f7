// Security headers on every answer. The web app loads only its own scripts and
// stylesheets (index.html has no inline script or <style>; React's style props are
// CSSOM, which style-src does not govern), talks only to its own origin, and is
// never framed. HSTS only in production, where Parley sits behind HTTPS.
import type { ServerResponse } from 'node:http';

export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  // The favicon is a data: URL in index.html.
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The headers, built once per server; `production` adds Strict-Transport-Security. */
export function securityHeaders(production: boolean): ReadonlyArray<readonly [string, string]> {
  const headers: Array<readonly [string, string]> = [
    ['content-security-policy', contentSecurityPolicy],
    ['x-content-type-options', 'nosniff'],
    ['referrer-policy', 'no-referrer'],
    // For browsers that predate frame-ancestors.
    ['x-frame-options', 'DENY'],
  ];
  if (production)
    headers.push(['strict-transport-security', 'max-age=31536000; includeSubDomains']);
  return headers;
}

/** Set before any writer runs: writeHead merges them with its own, so every answer has them. */
export function applySecurityHeaders(
  res: ServerResponse,
  headers: ReadonlyArray<readonly [string, string]>,
): void {
  for (const [name, value] of headers) res.setHeader(name, value);
}
