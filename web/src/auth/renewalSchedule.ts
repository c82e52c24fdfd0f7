// When to renew an access token: shortly before it expires, leaving room for a slow
// network, and never in a tight loop.

const maxLeadMs = 60_000;
const minLeadMs = 5_000;
const minDelayMs = 1_000;

/** Milliseconds from `now` until the token expiring at `expiresAt` should be renewed. */
export function renewalDelayMs(expiresAt: Date, now: number = Date.now()): number {
  const remaining = expiresAt.getTime() - now;
  const lead = Math.min(maxLeadMs, Math.max(minLeadMs, remaining * 0.2));
  return Math.max(minDelayMs, remaining - lead);
}

/** True when the token is expired or close enough to expiry that it should be renewed now. */
export function needsRenewal(expiresAt: Date, now: number = Date.now()): boolean {
  return expiresAt.getTime() - now <= minLeadMs;
}
