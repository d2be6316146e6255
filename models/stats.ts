/** Percentile q in [0, 100] of ascending-sorted values, interpolated linearly (numpy's default). */
export function percentileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = ((n - 1) * q) / 100;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

export function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s / values.length;
}

export interface Spread {
  readonly p5: number;
  readonly p25: number;
  readonly p50: number;
  readonly p75: number;
  readonly p95: number;
  readonly mean: number;
}

/** The usual five percentiles and the mean of a sample. */
export function spread(values: ArrayLike<number>): Spread {
  const s = sortedCopy(values);
  return {
    p5: percentileSorted(s, 5),
    p25: percentileSorted(s, 25),
    p50: percentileSorted(s, 50),
    p75: percentileSorted(s, 75),
    p95: percentileSorted(s, 95),
    mean: mean(s),
  };
}
