// tRPC over plain HTTP, as any client sends it: superjson-wrapped input, a bearer
// token, GET for queries and POST for mutations. Used by both sides of the bench.
import type { RequestSpec } from './http';

const auth = (token?: string): Record<string, string> =>
  token ? { authorization: `Bearer ${token}` } : {};

export function trpcQuery(path: string, input: unknown, token?: string): RequestSpec {
  const q =
    input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  return { method: 'GET', path: `/trpc/${path}${q}`, headers: auth(token) };
}

export function trpcMutation(path: string, input: unknown, token?: string): RequestSpec {
  return {
    method: 'POST',
    path: `/trpc/${path}`,
    headers: auth(token),
    body: JSON.stringify({ json: input }),
  };
}

/** An SSE subscription, with the token in connectionParams as httpSubscriptionLink sends it. */
export function trpcSubscription(path: string, input: unknown, token: string): RequestSpec {
  const params = encodeURIComponent(JSON.stringify({ token }));
  const q = encodeURIComponent(JSON.stringify({ json: input }));
  return {
    method: 'GET',
    path: `/trpc/${path}?input=${q}&connectionParams=${params}`,
    headers: { accept: 'text/event-stream' },
  };
}

/** The `json` payload of a successful tRPC answer. */
export function resultOf<T>(body: string): T {
  const parsed = JSON.parse(body) as { result?: { data?: { json?: T } }; error?: unknown };
  if (!parsed.result?.data) throw new Error(`tRPC error: ${body.slice(0, 300)}`);
  return parsed.result.data.json as T;
}
