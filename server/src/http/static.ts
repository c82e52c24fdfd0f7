// The built web app (web/dist): files by path, and index.html for the app's own
// addresses (/, /chat-ui and client-side routes). Each file goes out as the
// precompressed copy (web/scripts/compress.mjs) the client accepts, if there is one.
import { createReadStream, type Stats, statSync } from 'node:fs';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream';
import { serverRoot } from '../paths';
import { sendJson } from './json';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.woff2': 'font/woff2',
};

/** Vite's content-hashed output: a new build gives a new name, so a copy never goes stale. */
const hashedAsset = /^\/assets\/[^/]+-[A-Za-z0-9_-]{8,}\.[A-Za-z0-9.]+$/;

/** The precompressed copies, best first: brotli is smaller than gzip for the same file. */
const copies = [
  { encoding: 'br', suffix: '.br' },
  { encoding: 'gzip', suffix: '.gz' },
] as const;

/** The content codings an Accept-Encoding header allows (q above 0); `*` stands for the rest. */
function acceptedEncodings(header: string | undefined): (coding: string) => boolean {
  const q = new Map<string, number>();
  for (const part of (header ?? '').split(',')) {
    const [name = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (!name) continue;
    const given = params.find((p) => p.startsWith('q='));
    const weight = given === undefined ? 1 : Number(given.slice(2));
    q.set(name, Number.isFinite(weight) ? weight : 0);
  }
  return (coding) => (q.get(coding) ?? q.get('*') ?? 0) > 0;
}

const fileStats = (path: string): Stats | undefined => {
  const stats = statSync(path, { throwIfNoEntry: false });
  return stats?.isFile() ? stats : undefined;
};

/** The metadata tag of one representation: another encoding is another representation. */
const tagOf = (stats: Stats, encoding: string | undefined) =>
  `W/"${stats.size.toString(36)}-${Math.trunc(stats.mtimeMs).toString(36)}${encoding ? `-${encoding}` : ''}"`;

function matches(ifNoneMatch: string | undefined, tag: string): boolean {
  if (!ifNoneMatch) return false;
  const bare = tag.slice(2);
  return ifNoneMatch.split(',').some((t) => {
    const candidate = t.trim();
    return candidate === '*' || candidate === tag || candidate === bare;
  });
}

export interface StaticOptions {
  /** Source maps carry the app's source: public in development, never in production. */
  sourceMaps?: boolean;
}

export function staticHandler(
  root = join(serverRoot(), '..', 'web', 'dist'),
  { sourceMaps = true }: StaticOptions = {},
) {
  const base = resolve(root);
  const index = join(base, 'index.html');
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      sendJson(res, 400, { detail: 'Bad Request: the path is not valid percent-encoding.' });
      return true;
    }
    if (path.includes('\0')) return false;
    let file = join(base, path);
    // A separator after the root, so a sibling such as dist-old/ is outside it.
    if (file !== base && !file.startsWith(base + sep)) return false;
    if (!sourceMaps && file.endsWith('.map')) return false;
    let stats = fileStats(file);
    if (!stats) {
      if (path.startsWith('/assets/') || extname(path)) return false;
      file = index; // a client-side route
      stats = fileStats(file);
    }
    if (!stats) {
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('The web app is not built yet: run `npm start` (or `npm run build`).');
      return true;
    }
    const accepts = acceptedEncodings(req.headers['accept-encoding']);
    let sent = file;
    let encoding: string | undefined;
    for (const copy of copies) {
      if (!accepts(copy.encoding)) continue;
      const copyStats = fileStats(file + copy.suffix);
      // A copy older than its file is from an earlier build: the file itself is right.
      if (!copyStats || copyStats.mtimeMs < stats.mtimeMs) continue;
      sent = file + copy.suffix;
      stats = copyStats;
      encoding = copy.encoding;
      break;
    }
    const tag = tagOf(stats, encoding);
    const headers: OutgoingHttpHeaders = {
      'cache-control':
        file !== index && hashedAsset.test(path)
          ? 'public, max-age=31536000, immutable'
          : 'no-cache',
      vary: 'accept-encoding',
      etag: tag,
    };
    if (matches(req.headers['if-none-match'], tag)) {
      res.writeHead(304, headers);
      res.end();
      return true;
    }
    res.writeHead(200, {
      ...headers,
      'content-type': types[extname(file)] ?? 'application/octet-stream',
      'content-length': stats.size,
      ...(encoding ? { 'content-encoding': encoding } : {}),
    });
    if (req.method === 'HEAD') res.end();
    else pipeline(createReadStream(sent), res, () => {});
    return true;
  };
}
