import type { Rng } from "./rng.ts";

/** Cumulative shares normalised to end at exactly 1. */
export function cumulative(shares: readonly number[]): Float64Array {
  const total = shares.reduce((a, b) => a + b, 0);
  const out = new Float64Array(shares.length);
  let s = 0;
  shares.forEach((v, i) => (out[i] = s += v / total));
  out[out.length - 1] = 1;
  return out;
}

/** An index drawn from cumulative shares; no draw when one entry holds everything. */
export function pick(cum: Float64Array, rng: Rng): number {
  if (cum.length === 1) return 0;
  const u = rng();
  let i = 0;
  while (cum[i] <= u && i < cum.length - 1) i++;
  return i;
}
