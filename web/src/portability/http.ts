// The export and import routes from the browser: bearer-token requests (renewed
// once on a 401), file names from Content-Disposition, saving a Blob as a
// download, and NDJSON answers read line by line as they arrive.

export type TokenSource = (renew?: boolean) => Promise<string | null>;

/** A request with the access token; a 401 renews the token and tries once more. */
export async function authorized(
  token: TokenSource,
  path: string,
  init: RequestInit = {},
): Promise<Response> {
  const attempt = async (renew: boolean) => {
    const t = await token(renew);
    const headers = new Headers(init.headers);
    if (t) headers.set('authorization', `Bearer ${t}`);
    return fetch(path, { ...init, headers });
  };
  const first = await attempt(false);
  // A streamed body cannot be sent twice; a File or Blob can.
  if (first.status !== 401 || init.body instanceof ReadableStream) return first;
  return attempt(true);
}

/** The server's `detail` for a refused request. */
export async function refusal(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { detail?: string };
    if (body.detail) return body.detail;
  } catch {}
  return `The server answered ${res.status}.`;
}

/** The file name Content-Disposition gives, the UTF-8 one preferred. */
export function fileNameOf(res: Response, fallback: string): string {
  const header = res.headers.get('content-disposition') ?? '';
  const utf8 = /filename\*=UTF-8''([^;]+)/i.exec(header)?.[1];
  if (utf8) {
    try {
      return decodeURIComponent(utf8);
    } catch {}
  }
  return /filename="([^"]+)"/i.exec(header)?.[1] ?? fallback;
}

/** Offers `blob` as a download named `name`. */
export function save(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // The download has its own reference once it starts.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * Reads an NDJSON body: `onChunk` sees every byte chunk (to keep them), `onLine`
 * every whole line's text as it completes.
 */
export async function readLines(
  body: ReadableStream<Uint8Array>,
  onLine: (line: string) => void,
  onChunk: (chunk: Uint8Array) => void = () => {},
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let rest = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    onChunk(value);
    const lines = (rest + decoder.decode(value, { stream: true })).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) onLine(line);
  }
  if (rest.trim()) onLine(rest);
}
