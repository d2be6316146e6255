/**
 * Relative node speed with n queries sharing a node of max batch C: h(n) = n (b + C) / (C (b + n)),
 * so h(C) = 1, and b, the batch at half speed, is where the step time t(B) = t0 + t1 B doubles its
 * fixed part. b = 0 is a plain work-conserving server: h = 1 for every n >= 1.
 */
export function batchSpeed(n: number, maxBatch: number, batchHalfSpeed: number): number {
  if (n <= 0) return 0;
  if (batchHalfSpeed === 0) return 1;
  return (n * (batchHalfSpeed + maxBatch)) / (maxBatch * (batchHalfSpeed + n));
}

export interface BatchThroughputPoint {
  readonly batch: number;
  readonly tokensPerS: number;
}

/**
 * b = t0 / t1 from an ordinary least-squares line through the step times t(B) = B / throughput.
 * A negative intercept (no fixed cost visible in the data) gives b = 0.
 */
export function fitBatchHalfSpeed(points: readonly BatchThroughputPoint[]): number {
  const xs = points.map((p) => p.batch);
  const ts = points.map((p) => p.batch / p.tokensPerS);
  const meanX = mean(xs);
  const meanT = mean(ts);
  let sxx = 0;
  let sxt = 0;
  for (let i = 0; i < xs.length; i++) {
    sxx += (xs[i] - meanX) ** 2;
    sxt += (xs[i] - meanX) * (ts[i] - meanT);
  }
  if (!(sxx > 0)) throw new RangeError("fitBatchHalfSpeed needs points at two batch sizes or more");
  const t1 = sxt / sxx;
  if (!(t1 > 0)) throw new RangeError(`step time does not grow with batch (slope ${t1} s per query); cannot fit b`);
  const t0 = meanT - t1 * meanX;
  return Math.max(0, t0 / t1);
}

function mean(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}
