// A tRPC call's context from the Node request: the request facts the domain reads
// (auth/request.ts), built here at the edge and handed to createContextInner.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Services } from '../services';
import { type Context, createContextInner } from '../trpc/context';
import type { ContextOptions } from './procedures';
import { clientAddress, isSameSiteRequest, parseCookies } from './requestInfo';

function bearer(header: string | undefined): string | null {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return m?.[1] ?? null;
}

export function contextFactory(services: Services) {
  return ({ req, res, info }: ContextOptions): Context => {
    // A browser's EventSource cannot send headers, so a stream may carry its token in
    // connectionParams (the URL); nothing else may, which keeps tokens out of logged URLs.
    const params =
      info.type === 'subscription'
        ? (info.connectionParams as Record<string, unknown> | null)
        : null;
    const paramToken = typeof params?.token === 'string' ? params.token : null;
    const requestId = (req as IncomingMessage & { id?: string }).id ?? randomUUID();
    return createContextInner({
      services,
      req: {
        requestId,
        clientAddress: clientAddress(req, services.config.trustProxy),
        accessToken: bearer(req.headers.authorization) ?? paramToken,
        cookies: parseCookies(req.headers.cookie),
        sameSite: isSameSiteRequest(req, services.config.allowedOrigins),
        setCookie: (c) => appendCookie(res, c),
      },
    });
  };
}

function appendCookie(res: ServerResponse, cookie: string): void {
  const prev = res.getHeader('set-cookie');
  const list = Array.isArray(prev) ? prev : prev ? [String(prev)] : [];
  res.setHeader('set-cookie', [...list, cookie]);
}
