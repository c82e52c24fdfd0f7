// JSON at the edge: answers written with their length, and a depth bound on
// what clients send, checked on the raw text before anything parses it.
import type { ServerResponse } from 'node:http';

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/**
 * How deep arrays and objects a client sends may nest. Parley's inputs need a
 * handful of levels; JSON.parse and superjson's walk after it cost time (and
 * stack) per level, so 800 KB of `[` took 0.27 s before being refused.
 */
export const maxJsonDepth = 64;

export const tooDeeplyNested = `JSON nested more than ${maxJsonDepth} levels deep`;

/** True when `text` nests arrays and objects deeper than `max` (strings aside). One pass, no parse. */
export function nestsDeeperThan(text: string, max = maxJsonDepth): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}
