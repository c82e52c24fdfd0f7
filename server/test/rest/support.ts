// Plain HTTP calls to the seed's REST routes, as curl or a Python script makes them.
export interface RestResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

export async function rest(
  base: string,
  method: string,
  path: string,
  opts: { token?: string; json?: unknown; form?: Record<string, string>; raw?: string } = {},
): Promise<RestResponse> {
  const headers: Record<string, string> = {};
  let body: string | undefined;
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.json);
  } else if (opts.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(opts.form).toString();
  } else if (opts.raw !== undefined) {
    headers['content-type'] = 'application/json';
    body = opts.raw;
  }
  const res = await fetch(`${base}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: res.status, headers: res.headers, body: parsed };
}

export async function loginToken(base: string, username: string, password: string) {
  const res = await rest(base, 'POST', '/auths/login', { form: { username, password } });
  if (res.status !== 200)
    throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as { access_token: string }).access_token;
}

export const hex24 = /^[0-9a-f]{24}$/;
export const isoDate = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
