import { lognormalSampler } from "./lognormal.ts";
import type { Rng } from "./rng.ts";

/** A number that is either known or uncertain, given as a log-normal by its P5 and P95. */
export type Uncertain = number | { readonly lognormal: { readonly p5: number; readonly p95: number } };

export function isUncertain(v: Uncertain): v is { lognormal: { p5: number; p95: number } } {
  return typeof v === "object" && v !== null && "lognormal" in v;
}

/** The value used when a single number is wanted and no draw is made: the median, sqrt(p5 p95). */
export function centralValue(v: Uncertain): number {
  return isUncertain(v) ? Math.sqrt(v.lognormal.p5 * v.lognormal.p95) : v;
}

/** One draw of v from rng (a known number is returned as it is, consuming nothing). */
export function drawUncertain(v: Uncertain, rng: Rng): number {
  return isUncertain(v) ? lognormalSampler(rng, v.lognormal.p5, v.lognormal.p95)() : v;
}
