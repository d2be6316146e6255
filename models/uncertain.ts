import { lognormalSampler } from "./lognormal.ts";
import type { Rng } from "./rng.ts";

/** A number given as a log-normal by its 5th and 95th percentiles. */
export interface LogNormalSpec {
  readonly lognormal: { readonly p5: number; readonly p95: number };
}

/** A number that is either known or uncertain. */
export type Uncertain = number | LogNormalSpec;

export function isUncertain(v: Uncertain): v is LogNormalSpec {
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
