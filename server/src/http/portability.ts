// Export and import over HTTP, by bearer token: one chat as a download, the whole
// account as streamed NDJSON, and an import whose file is received to a temporary
// file (checked as it arrives, bounded by IMPORT_MAX_BYTES) and then read as a
// stream, answering NDJSON progress lines and one report.
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { idSchema } from '@parley/shared';
import { authenticate } from '../auth/authenticate';
import type { UserDoc } from '../db/documents';
import { idString } from '../db/ids';
import { Refusal } from '../lib/refusal';
import { exportAccount } from '../portability/exportAccount';
import { exportSession } from '../portability/exportSession';
import { FileCheck } from '../portability/fileCheck';
import { contentDisposition, fileStem } from '../portability/fileName';
import { claimImportSlot, type ImportReport, importFile } from '../portability/importFile';
import { removeStaleUploads, uploadFolder } from '../portability/uploadFolders';
import type { Services } from '../services';
import { RequestAborted } from './body';
import { drained } from './drained';
import { sendJson } from './json';
import type { Route } from './server';

const ndjson = 'application/x-ndjson; charset=utf-8';
/** Seconds a refused import is told to wait: imports of large files take about that long. */
const importRetrySeconds = 30;
/** Seconds a refused export is told to wait. */
const exportRetrySeconds = 5;

function bearer(req: IncomingMessage): string | null {
  return /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? null;
}

/** Writes the chunks with backpressure; stops reading them once the client has gone. */
async function stream(res: ServerResponse, chunks: AsyncGenerator<string>): Promise<void> {
  try {
    for await (const chunk of chunks) {
      if (res.destroyed) return;
      if (!res.write(chunk)) await drained(res);
    }
    res.end();
  } finally {
    await chunks.return(undefined);
  }
}

class TooLarge extends Error {}

/** Receives the body into `path`, checking it on the way; TooLarge past `limit` bytes. */
async function receive(req: IncomingMessage, path: string, limit: number): Promise<FileCheck> {
  const check = new FileCheck();
  const gate = new Transform({
    transform(chunk: Buffer, _enc, done) {
      check.add(chunk);
      done(check.bytes > limit ? new TooLarge() : null, chunk);
    },
  });
  try {
    await pipeline(req, gate, createWriteStream(path, { mode: 0o600 }));
  } catch (e) {
    if (e instanceof TooLarge) throw e;
    if (req.destroyed || req.readableAborted) throw new RequestAborted();
    throw e;
  }
  return check;
}

const sizeText = (bytes: number) =>
  bytes >= 1024 ** 2
    ? `${Math.round((bytes / 1024 ** 2) * 10) / 10} MiB`
    : `${Math.round(bytes / 1024)} KiB`;

export function portabilityRoutes(services: Services): Route {
  const tooLarge = (res: ServerResponse) => {
    res.setHeader('connection', 'close');
    sendJson(res, 413, {
      detail: `The file is larger than this server takes (${sizeText(services.config.importMaxBytes)}; IMPORT_MAX_BYTES).`,
    });
  };

  async function signedIn(req: IncomingMessage, res: ServerResponse): Promise<UserDoc | null> {
    try {
      return await authenticate(services, bearer(req));
    } catch (e) {
      if (!(e instanceof Refusal)) throw e;
      sendJson(res, 401, { detail: e.message }, { 'www-authenticate': 'Bearer' });
      return null;
    }
  }

  /** Reserves one of the user's exports, or answers 429 and gives null. */
  function exportSlot(res: ServerResponse, user: UserDoc): (() => void) | null {
    const release = services.exports.claim(idString(user._id));
    if (typeof release === 'function') return release;
    const { perUser } = services.config.exports;
    const detail =
      release === 'account'
        ? `This account already has ${perUser} ${perUser === 1 ? 'export' : 'exports'} running; wait for one to finish.`
        : 'The server is running as many exports as it takes at once; try again shortly.';
    sendJson(res, 429, { detail }, { 'retry-after': String(exportRetrySeconds) });
    return null;
  }

  async function oneSession(req: IncomingMessage, res: ServerResponse, url: URL, id: string) {
    const format = url.searchParams.get('format') ?? 'markdown';
    if (format !== 'markdown' && format !== 'json') {
      sendJson(res, 400, { detail: 'format must be markdown or json.' });
      return;
    }
    const user = await signedIn(req, res);
    if (!user) return;
    if (!idSchema.safeParse(id).success) {
      sendJson(res, 404, { detail: 'Session not found.' });
      return;
    }
    const release = exportSlot(res, user);
    if (!release) return;
    try {
      let file: Awaited<ReturnType<typeof exportSession>>;
      try {
        file = await exportSession(services, user, id, format);
      } catch (e) {
        if (e instanceof Refusal && e.code === 'NOT_FOUND') {
          sendJson(res, 404, { detail: e.message });
          return;
        }
        throw e;
      }
      res.writeHead(200, {
        'content-type': file.contentType,
        'content-disposition': contentDisposition(file.fileName),
        'cache-control': 'no-store',
      });
      await stream(res, file.chunks);
    } finally {
      release();
    }
  }

  async function wholeAccount(req: IncomingMessage, res: ServerResponse) {
    const user = await signedIn(req, res);
    if (!user) return;
    const release = exportSlot(res, user);
    if (!release) return;
    try {
      const day = new Date().toISOString().slice(0, 10);
      res.writeHead(200, {
        'content-type': ndjson,
        'content-disposition': contentDisposition(
          `parley-${fileStem(user.username, 'account')}-${day}.ndjson`,
        ),
        'cache-control': 'no-store',
      });
      await stream(res, exportAccount(services, user));
    } finally {
      release();
    }
  }

  async function importBody(req: IncomingMessage, res: ServerResponse) {
    const user = await signedIn(req, res);
    if (!user) return;
    const limit = services.config.importMaxBytes;
    if (Number(req.headers['content-length'] ?? 0) > limit) return tooLarge(res);
    const release = claimImportSlot(services, user);
    if (release === 'account') {
      sendJson(res, 409, {
        detail: 'An import is already running for this account; wait for its report.',
      });
      return;
    }
    if (release === 'server') {
      // The body is not read: the connection goes with it.
      res.setHeader('connection', 'close');
      sendJson(
        res,
        429,
        { detail: 'The server is running as many imports as it takes at once; try again shortly.' },
        { 'retry-after': String(importRetrySeconds) },
      );
      return;
    }
    // What a process killed mid-import left behind goes, in the background.
    void removeStaleUploads();
    const dir = await uploadFolder();
    try {
      const path = join(dir, 'upload');
      let check: FileCheck;
      try {
        check = await receive(req, path, limit);
      } catch (e) {
        if (e instanceof TooLarge) return tooLarge(res);
        throw e;
      }
      res.writeHead(200, { 'content-type': ndjson, 'cache-control': 'no-store' });
      const result = check.result();
      if ('problem' in result) {
        const report: ImportReport = {
          type: 'report',
          format: null,
          sessions: 0,
          messages: 0,
          skipped: 0,
          split: 0,
          folders: 0,
          alreadyImported: 0,
          errors: [{ conversation: 'the file', reason: result.problem }],
        };
        res.end(`${JSON.stringify(report)}\n`);
        return;
      }
      const gone = new AbortController();
      res.on('close', () => gone.abort());
      const send = async (line: object) => {
        if (res.destroyed) return;
        if (!res.write(`${JSON.stringify(line)}\n`)) await drained(res);
      };
      const report = await importFile(
        services,
        user,
        { path, bytes: check.bytes, bomBytes: check.bomBytes, format: result.format },
        send,
        gone.signal,
      );
      res.end(`${JSON.stringify(report)}\n`);
    } finally {
      release();
      await rm(dir, { recursive: true, force: true });
    }
  }

  return async (req, res, url) => {
    const one = /^\/export\/sessions\/([^/]+)\/?$/.exec(url.pathname);
    const route = one
      ? 'session'
      : url.pathname === '/export/account'
        ? 'account'
        : url.pathname === '/import'
          ? 'import'
          : null;
    if (!route) return false;
    const method = route === 'import' ? 'POST' : 'GET';
    if (req.method !== method) {
      sendJson(res, 405, { detail: 'Method Not Allowed' }, { allow: method });
      return true;
    }
    if (route === 'session') await oneSession(req, res, url, one?.[1] ?? '');
    else if (route === 'account') await wholeAccount(req, res);
    else await importBody(req, res);
    return true;
  };
}
