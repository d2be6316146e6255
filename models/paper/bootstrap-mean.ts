import type { Rng } from "../rng.ts";
import { percentileSorted } from "../stats.ts";

export interface BootstrapMean {
  readonly p5: number;
  readonly p50: number;
  readonly p95: number;
  /** The resampled means themselves, so figures can be combined replicate by replicate. */
  readonly replicates: Float64Array;
}

/** Bootstrap of the mean: `resamples` means of samples drawn with replacement. */
export function bootstrapMean(samples: ArrayLike<number>, resamples: number, rng: Rng): BootstrapMean {
  const n = samples.length;
  const replicates = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += samples[Math.floor(rng() * n)];
    replicates[r] = s / n;
  }
  return summarize(replicates);
}

/** P5, median and P95 of replicates (kept, in their original order). */
export function summarize(replicates: Float64Array): BootstrapMean {
  const sorted = Float64Array.from(replicates).sort();
  return { p5: percentileSorted(sorted, 5), p50: percentileSorted(sorted, 50), p95: percentileSorted(sorted, 95), replicates };
}

/** a * x + b * y, replicate by replicate. */
export function combine(a: number, x: BootstrapMean, b: number, y: BootstrapMean): BootstrapMean {
  return summarize(x.replicates.map((v, i) => a * v + b * y.replicates[i]));
}

/** GWh per day of 1e9 queries with mean energy `meanWh`: beta * 1e9 * mean / 1e9. */
export function fleetGwhPerDay(meanWh: number, beta: number, queriesPerDay = 1e9): number {
  return (beta * queriesPerDay * meanWh) / 1e9;
}
