// A stand-in for the API in the link tests (a global fetch): answers batched calls in
// tRPC's wire format, recording every request it gets. Live streams: ./socketStub.
import { type TRPC_ERROR_CODE_KEY, TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import superjson from 'superjson';
import { vi } from 'vitest';

export interface Received {
  url: string;
  path: string;
  authorization: string | undefined;
}

/** One call's answer: its data, or a refusal with this code. */
export type Answer = { data: unknown } | { refuse: TRPC_ERROR_CODE_KEY };

export interface StubOptions {
  call?: (path: string, req: Received) => Answer | Promise<Answer>;
}

export function errorShape(code: TRPC_ERROR_CODE_KEY, path: string) {
  return { message: code, code: TRPC_ERROR_CODES_BY_KEY[code], data: { code, path } };
}

export function apiStub(opts: StubOptions) {
  const calls: Received[] = [];
  const fetchStub = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const authorization = new Headers(init?.headers).get('authorization') ?? undefined;
    const paths = decodeURIComponent(new URL(url, 'http://stub').pathname.replace(/^\/trpc\//, ''));
    const answers = await Promise.all(
      paths.split(',').map(async (path) => {
        const req: Received = { url, path, authorization };
        calls.push(req);
        const answer = (await opts.call?.(path, req)) ?? { data: null };
        return 'data' in answer
          ? { result: { data: superjson.serialize(answer.data) } }
          : { error: superjson.serialize(errorShape(answer.refuse, path)) };
      }),
    );
    return new Response(JSON.stringify(answers), {
      headers: { 'content-type': 'application/json' },
    });
  });
  return { calls, fetchStub };
}
