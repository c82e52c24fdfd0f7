// Raw tRPC-over-HTTP calls, for tests that must see status codes, headers and
// bodies exactly as a client would (the typed client hides them).
import superjson from 'superjson';

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  body: unknown;
}

async function finish(res: Response): Promise<RawResponse> {
  const text = await res.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: res.status, headers: res.headers, text, body };
}

export function trpcUrl(base: string, path: string): string {
  return `${base}/trpc/${path}`;
}

export async function mutate(
  base: string,
  path: string,
  input: unknown,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const res = await fetch(trpcUrl(base, path), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(superjson.serialize(input)),
  });
  return finish(res);
}

export async function query(
  base: string,
  path: string,
  input: unknown,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const qs =
    input === undefined
      ? ''
      : `?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`;
  return finish(await fetch(`${trpcUrl(base, path)}${qs}`, { headers }));
}

/** A batch of mutations in one request, as httpBatchLink sends them. */
export async function mutateBatch(
  base: string,
  path: string,
  inputs: unknown[],
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const paths = inputs.map(() => path).join(',');
  const body = Object.fromEntries(inputs.map((input, i) => [i, superjson.serialize(input)]));
  const res = await fetch(`${trpcUrl(base, paths)}?batch=1`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return finish(res);
}

/** The `data` of a successful single call. */
export function dataOf<T>(r: RawResponse): T {
  const b = r.body as { result?: { data?: { json: unknown; meta?: unknown } } };
  if (!b?.result?.data) throw new Error(`not a success (${r.status}): ${r.text}`);
  return superjson.deserialize(b.result.data as Parameters<typeof superjson.deserialize>[0]) as T;
}

export function errorOf(r: RawResponse): {
  message: string;
  code: string;
  data: Record<string, unknown>;
} {
  const b = r.body as { error?: { json: { message: string; data: Record<string, unknown> } } };
  const e = b?.error?.json;
  if (!e) throw new Error(`not an error (${r.status}): ${r.text}`);
  return { message: e.message, code: String(e.data.code), data: e.data };
}

export function cookieFrom(r: RawResponse, name: string): string | null {
  for (const c of r.headers.getSetCookie()) {
    const m = new RegExp(`^${name}=([^;]*)`).exec(c);
    if (m) return m[1] ?? null;
  }
  return null;
}
