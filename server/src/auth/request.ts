// What the domain knows of the request a call came in on. The edge (http/, trpc/)
// builds it; auth reads it (the caller's address, cookies, whether a cookie may be
// trusted) and never sees HTTP itself.
export interface RequestInfo {
  requestId: string;
  clientAddress: string;
  /** The bearer token from the Authorization header, or a subscription's connection params. */
  accessToken: string | null;
  cookies: Record<string, string>;
  /** True when a cookie may be trusted: same-site, and not a form post. */
  sameSite: boolean;
  setCookie(cookie: string): void;
}
