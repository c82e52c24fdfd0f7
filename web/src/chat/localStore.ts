// localStorage that never throws: private windows, full quotas and disabled storage
// leave the app working, only without what it would have kept.
export function readJson(key: string): unknown {
  try {
    const text = globalThis.localStorage?.getItem(key);
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

export function writeJson(key: string, value: unknown): void {
  try {
    if (value === null) globalThis.localStorage?.removeItem(key);
    else globalThis.localStorage?.setItem(key, JSON.stringify(value));
  } catch {
    // Over quota or unavailable: keep going with what is in memory.
  }
}
