/** Ranks from 1, ties sharing the mean of their ranks (1, 2.5, 2.5, 4). */
export function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  const out = new Array<number>(values.length);
  for (let k = 0; k < order.length; ) {
    let end = k;
    while (end + 1 < order.length && order[end + 1].v === order[k].v) end++;
    const rank = (k + end) / 2 + 1;
    for (let j = k; j <= end; j++) out[order[j].i] = rank;
    k = end + 1;
  }
  return out;
}

/**
 * Spearman's rank correlation of paired samples: Pearson's correlation of their ranks (Spearman 1904),
 * in [-1, 1]; NaN for fewer than two pairs or a sample with one value only.
 */
export function spearman(x: readonly number[], y: readonly number[]): number {
  if (x.length !== y.length) throw new RangeError("spearman: samples of different lengths");
  const n = x.length;
  if (n < 2) return NaN;
  const rx = ranks(x);
  const ry = ranks(y);
  const mean = (n + 1) / 2;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (rx[i] - mean) * (ry[i] - mean);
    sxx += (rx[i] - mean) ** 2;
    syy += (ry[i] - mean) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
}
