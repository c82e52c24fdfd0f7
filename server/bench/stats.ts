// Latency and rate arithmetic shared by every measurement: percentiles, rounding, ratios.

export interface LatencySummary {
  count: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? Number.NaN;
}

export function summarise(latenciesMs: number[], errors: number, seconds: number): LatencySummary {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const total = sorted.reduce((s, v) => s + v, 0);
  return {
    count: sorted.length,
    errors,
    seconds: round(seconds, 2),
    perSecond: round(sorted.length / Math.max(seconds, 1e-9), 1),
    p50Ms: round(percentile(sorted, 50), 2),
    p99Ms: round(percentile(sorted, 99), 2),
    meanMs: round(total / Math.max(sorted.length, 1), 2),
  };
}

export function round(v: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/** parley / baseline, or NaN when either side is missing. */
export function ratio(parley: number, baseline: number): number {
  if (!Number.isFinite(parley) || !Number.isFinite(baseline) || baseline === 0) return Number.NaN;
  return round(parley / baseline, 2);
}

/** Completed operations per second when `concurrency` loops run `work` for `ms`. */
export async function rateOf(
  concurrency: number,
  ms: number,
  work: () => Promise<unknown>,
): Promise<number> {
  let n = 0;
  const started = performance.now();
  const deadline = started + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        await work();
        n++;
      }
    }),
  );
  return round(n / ((performance.now() - started) / 1000), 1);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2
    ? (sorted[mid] ?? Number.NaN)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
