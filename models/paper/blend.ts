import { percentileSorted, sortedCopy } from "../stats.ts";

/** Samples of one model inside [P_lo, P_hi] of its own distribution (inclusive). */
export function trimToPercentiles(samples: ArrayLike<number>, lo: number, hi: number): Float64Array {
  const s = sortedCopy(samples);
  const a = percentileSorted(s, lo);
  const b = percentileSorted(s, hi);
  return s.filter((v) => v >= a && v <= b);
}

/**
 * The paper's ">200B frontier" blend: for each chosen model keep its samples inside its own P5-P95,
 * then the P10-P90 of what is left; pool them.
 */
export function frontierBlend(perModel: readonly ArrayLike<number>[]): Float64Array {
  return pool(perModel.map((s) => trimToPercentiles(trimToPercentiles(s, 5, 95), 10, 90)));
}

/** Names of the k models with the highest median energy, highest first. */
export function topByMedian(samples: ReadonlyMap<string, ArrayLike<number>>, k: number): string[] {
  return [...samples]
    .map(([name, s]) => ({ name, median: percentileSorted(sortedCopy(s), 50) }))
    .sort((x, y) => y.median - x.median)
    .slice(0, k)
    .map((x) => x.name);
}

/** All samples of several models, untrimmed, in one array. */
export function pool(perModel: readonly ArrayLike<number>[]): Float64Array {
  const out = new Float64Array(perModel.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of perModel) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
