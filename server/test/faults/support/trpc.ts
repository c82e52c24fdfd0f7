// tRPC over real HTTP for the fault tests: an outcome per call (data or error
// code, status, time taken), never a throw, and a deadline so nothing hangs.
export interface Outcome<T = unknown> {
  ok: boolean;
  status: number;
  data?: T;
  /** The tRPC error code, or 'NETWORK' / 'TIMEOUT' when no answer came. */
  code?: string;
  /** The Retry-After header, when the answer had one. */
  retryAfter?: string;
  ms: number;
}

export async function trpcCall<T = unknown>(
  base: string,
  kind: 'query' | 'mutation',
  path: string,
  input: unknown,
  token?: string,
  timeoutMs = 20_000,
): Promise<Outcome<T>> {
  const started = performance.now();
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const url =
    kind === 'query'
      ? `${base}/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`
      : `${base}/trpc/${path}`;
  try {
    const res = await fetch(url, {
      method: kind === 'query' ? 'GET' : 'POST',
      headers,
      body: kind === 'mutation' ? JSON.stringify({ json: input }) : undefined,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await res.json()) as {
      result?: { data?: { json?: T } };
      error?: { json?: { data?: { code?: string } } };
    };
    const ms = performance.now() - started;
    if (body.result) return { ok: true, status: res.status, data: body.result.data?.json as T, ms };
    const code = body.error?.json?.data?.code ?? 'UNKNOWN';
    const retryAfter = res.headers.get('retry-after') ?? undefined;
    return { ok: false, status: res.status, code, ms, ...(retryAfter ? { retryAfter } : {}) };
  } catch (e) {
    const ms = performance.now() - started;
    const code = (e as Error).name === 'TimeoutError' ? 'TIMEOUT' : 'NETWORK';
    return { ok: false, status: 0, code, ms };
  }
}

export async function signUp(base: string, username: string): Promise<string> {
  const out = await trpcCall<{ accessToken: string }>(base, 'mutation', 'auth.register', {
    username,
    password: 'correct horse battery',
    refreshTransport: 'body',
  });
  if (!out.ok || !out.data) throw new Error(`register failed: ${out.code}`);
  return out.data.accessToken;
}

export async function newSession(base: string, token: string): Promise<string> {
  const out = await trpcCall<{ id: string }>(base, 'mutation', 'session.create', {}, token);
  if (!out.ok || !out.data) throw new Error(`session.create failed: ${out.code}`);
  return out.data.id;
}

/** Every message of a session through message.list, oldest first. */
export async function allMessages(
  base: string,
  token: string,
  sessionId: string,
): Promise<{ id: string; seq: number; content: string }[]> {
  const pages: { id: string; seq: number; content: string }[][] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 1_000; i++) {
    const out: Outcome<{
      items: { id: string; seq: number; content: string }[];
      nextCursor: string | null;
    }> = await trpcCall(base, 'query', 'message.list', { sessionId, limit: 200, cursor }, token);
    if (!out.ok || !out.data) throw new Error(`message.list failed: ${out.code}`);
    pages.unshift(out.data.items);
    cursor = out.data.nextCursor;
    if (!cursor) break;
  }
  return pages.flat();
}

export const p = (sorted: number[], q: number) =>
  sorted.length ? (sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0) : 0;
