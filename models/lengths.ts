import { randomExponential } from "d3-random";
import { lognormalFromP5P95, lognormalMean, lognormalSampler } from "./lognormal.ts";
import type { Rng } from "./rng.ts";

/** A distribution of token counts, as scenario files write it. */
export type LengthSpec =
  | { readonly fixed: number }
  | { readonly exponential: { readonly median: number } }
  | { readonly lognormal: { readonly p5: number; readonly p95: number } };

/**
 * A sampler of whole token counts: round(x) of the underlying continuous draw, as the paper does
 * (L_out = round(Exponential with median m)). May return 0 for short medians.
 */
export function lengthSampler(spec: LengthSpec, rng: Rng): () => number {
  if ("fixed" in spec) {
    const n = Math.round(spec.fixed);
    return () => n;
  }
  if ("exponential" in spec) {
    const m = spec.exponential.median;
    if (!(m > 0)) throw new RangeError(`invalid median ${m}: an exponential length needs a median > 0`);
    const draw = randomExponential.source(rng)(Math.LN2 / m);
    return () => Math.round(draw());
  }
  const draw = lognormalSampler(rng, spec.lognormal.p5, spec.lognormal.p95);
  return () => Math.round(draw());
}

/** The mean token count of a length distribution (before rounding). */
export function lengthMean(spec: LengthSpec): number {
  if ("fixed" in spec) return spec.fixed;
  if ("exponential" in spec) return spec.exponential.median / Math.LN2;
  return lognormalMean(lognormalFromP5P95(spec.lognormal.p5, spec.lognormal.p95));
}
