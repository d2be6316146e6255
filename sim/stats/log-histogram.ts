// Bucket index from a double's bits: the 11 exponent bits and the top 6 mantissa bits of the high
// word, so 64 buckets per octave. A bucket spans [x, x (1 + 1/64)); its midpoint is within 1/128
// (0.78 %) of any value in it. No logarithm per record. Assumes a little-endian platform (x86, ARM).
const SUB_BITS = 6;
const MIN_EXP = -40; // 2^-40 ~ 9e-13: smaller positive values share the first bucket
const MAX_EXP = 40; // 2^40 ~ 1.1e12: larger values share the last bucket
const BASE = (1023 + MIN_EXP) << SUB_BITS;
export const HISTOGRAM_BUCKETS = (MAX_EXP - MIN_EXP) << SUB_BITS;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

function bucketOf(v: number): number {
  f64[0] = v;
  const i = (u32[1] >>> (20 - SUB_BITS)) - BASE;
  return i < 0 ? 0 : i >= HISTOGRAM_BUCKETS ? HISTOGRAM_BUCKETS - 1 : i;
}

function bucketMid(i: number): number {
  const e = (i >> SUB_BITS) + MIN_EXP;
  const m = i & ((1 << SUB_BITS) - 1);
  return 2 ** e * (1 + (m + 0.5) / (1 << SUB_BITS));
}

/**
 * A streaming histogram of non-negative values with fixed log buckets (relative error <= 1 %),
 * exact count, sum, min and max. Mergeable; records without allocating.
 */
export class LogHistogram {
  readonly counts = new Float64Array(HISTOGRAM_BUCKETS);
  zeros = 0;
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;

  record(v: number): void {
    this.count++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    if (v > 0) this.counts[bucketOf(v)]++;
    else this.zeros++;
  }

  mean(): number {
    return this.count === 0 ? NaN : this.sum / this.count;
  }

  /** The value at quantile q in [0, 1]: the midpoint of the bucket holding it, kept within [min, max]. */
  quantile(q: number): number {
    if (this.count === 0) return NaN;
    if (q <= 0) return this.min;
    if (q >= 1) return this.max;
    const rank = Math.min(Math.max(q * this.count, 1), this.count);
    let seen = this.zeros;
    if (seen >= rank) return 0;
    for (let i = 0; i < HISTOGRAM_BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min(Math.max(bucketMid(i), this.min), this.max);
    }
    return this.max;
  }

  /** Adds another histogram's counts; it may be plain fields (a histogram posted between threads loses its class). */
  merge(other: Pick<LogHistogram, "counts" | "zeros" | "count" | "sum" | "min" | "max">): void {
    for (let i = 0; i < HISTOGRAM_BUCKETS; i++) this.counts[i] += other.counts[i];
    this.zeros += other.zeros;
    this.count += other.count;
    this.sum += other.sum;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
  }
}

/** Quantiles as summary.json writes them. */
export function quantiles<K extends string>(h: LogHistogram, keys: Record<K, number>): Record<K | "mean", number> {
  const out = { mean: h.mean() } as Record<K | "mean", number>;
  for (const k of Object.keys(keys) as K[]) out[k] = h.quantile(keys[k]);
  return out;
}

export const ENERGY_QUANTILES = { p5: 0.05, p25: 0.25, p50: 0.5, p75: 0.75, p95: 0.95 };
export const LATENCY_QUANTILES = { p50: 0.5, p90: 0.9, p99: 0.99 };
