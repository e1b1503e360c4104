/** Nearest-rank percentile (p in 0..1) of unsorted samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new Error("percentile of no samples");
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

export const median = (samples: readonly number[]) => percentile(samples, 0.5);

/** "12.3" for small numbers, whole numbers from 100 up. */
export const ms = (value: number) => (value >= 100 ? Math.round(value).toString() : value.toFixed(1));

/** `ours / baseline` as "3.42x" (two significant decimals, more when tiny). */
export function ratio(ours: number, baseline: number): string {
  if (baseline === 0) return ours === 0 ? "1.00x" : "n/a (baseline 0)";
  const r = ours / baseline;
  if (r >= 0.01 || r === 0) return `${r.toFixed(2)}x`;
  return `${r.toPrecision(2)}x`;
}

/** Runs `task` over `items` with at most `limit` in flight; results in input order. */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
