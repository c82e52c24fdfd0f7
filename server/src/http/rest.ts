// The old service's REST surface (FastAPI-style), each route running its tRPC
// twin through a caller: the same auth, validation and logic, answered in the
// seed's shapes. The routes themselves are the table in rest/table.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { log } from '../log';
import { createCaller } from '../routers/app';
import type { Services } from '../services';
import { createContextInner } from '../trpc/context';
import { asTRPCError } from '../trpc/refusals';
import { RequestAborted } from './body';
import { sendJson } from './json';
import { clientAddress } from './requestInfo';
import { readFormBody, readJsonBody } from './rest/body';
import { fromTrpcError, isTrpcError, RestError } from './rest/errors';
import { type RestRoute, restTable } from './rest/table';
import type { Route } from './server';

interface Compiled {
  route: RestRoute;
  pattern: RegExp;
  names: string[];
}

function compile(route: RestRoute): Compiled {
  const names: string[] = [];
  const source = route.path.replace(/:([a-z]+)/gi, (_m, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { route, pattern: new RegExp(`^${source}/?$`), names };
}

function bearer(header: string | undefined): string | null {
  return /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1] ?? null;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function restRoutes(services: Services): Route {
  const compiled = restTable.map(compile);

  async function answer(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    found: Compiled,
    match: RegExpExecArray,
  ): Promise<void> {
    const requestId = (req as IncomingMessage & { id?: string }).id;
    const params = Object.fromEntries(found.names.map((n, i) => [n, decode(match[i + 1] ?? '')]));
    try {
      const body =
        found.route.body === 'json'
          ? await readJsonBody(req)
          : found.route.body === 'form'
            ? await readFormBody(req)
            : {};
      const api = createCaller(
        createContextInner({
          services,
          req: {
            ...(requestId ? { requestId } : {}),
            clientAddress: clientAddress(req, services.config.trustProxy),
            accessToken: bearer(req.headers.authorization),
            // Cookies are never read here: REST clients authenticate by bearer token only.
            sameSite: false,
          },
        }),
      );
      sendJson(res, 200, await found.route.run(api, { params, url, body }));
    } catch (thrown) {
      if (thrown instanceof RequestAborted) throw thrown; // the server logs it in one line
      const e = asTRPCError(thrown);
      const known =
        e instanceof RestError
          ? e
          : isTrpcError(e)
            ? fromTrpcError(e, found.route.places ?? {})
            : null;
      if (!known) {
        log.error('internal error', {
          requestId,
          path: url.pathname,
          error: (e as Error)?.stack ?? String(e),
        });
        sendJson(res, 500, { detail: 'Internal Server Error' });
        return;
      }
      sendJson(res, known.status, { detail: known.detail }, known.headers);
    }
  }

  return async (req, res, url) => {
    let pathMatched = false;
    for (const c of compiled) {
      const match = c.pattern.exec(url.pathname);
      if (!match) continue;
      pathMatched = true;
      if (c.route.method !== req.method) continue;
      await answer(req, res, url, c, match);
      return true;
    }
    if (!pathMatched) return false;
    sendJson(res, 405, { detail: 'Method Not Allowed' });
    return true;
  };
}
