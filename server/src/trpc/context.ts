// Who is calling and how: built per request. createContextInner needs no HTTP,
// so tests call procedures through createCaller with a user or a token; the HTTP
// edge builds the request facts and hands them in (http/context.ts).
import { randomUUID } from 'node:crypto';
import type { RequestInfo } from '../auth/request';
import type { UserDoc } from '../db/documents';
import type { Services } from '../services';

export type { RequestInfo };

export interface ContextInnerOptions {
  services: Services;
  /** Tests may name the caller directly. */
  user?: UserDoc | null;
  req?: Partial<RequestInfo>;
}

export function createContextInner(opts: ContextInnerOptions) {
  const cookies: string[] = [];
  const req: RequestInfo = {
    requestId: randomUUID(),
    clientAddress: 'local',
    accessToken: null,
    cookies: {},
    sameSite: true,
    setCookie: (c) => cookies.push(c),
    ...opts.req,
  };
  return { services: opts.services, user: opts.user ?? null, req, setCookies: cookies };
}

export type Context = ReturnType<typeof createContextInner>;
