// Which link targets a message may point at: web pages and mail only. Anything
// else (javascript:, data:, vbscript:, file:…) is shown as text, never followed.
const allowed = new Set(['http:', 'https:', 'mailto:']);

/** The URL to put in href, or null when the link must not be clickable. */
export function safeHref(
  url: string | null | undefined,
  base = 'https://parley.invalid/',
): string | null {
  if (!url) return null;
  let parsed: URL;
  try {
    // The URL parser drops tabs and newlines and lowercases the scheme, as browsers do,
    // so "java\tscript:" and "JAVASCRIPT:" are caught too.
    parsed = new URL(url, base);
  } catch {
    return null;
  }
  if (!allowed.has(parsed.protocol)) return null;
  // A link relative to the app (no scheme of its own) has no meaning inside a message.
  if (parsed.origin === new URL(base).origin && !/^[a-z][a-z0-9+.-]*:/i.test(url.trim())) {
    return null;
  }
  return parsed.href;
}
