import { randomLogNormal } from "d3-random";
import type { Rng } from "./rng.ts";

/** z of the 95th percentile of the standard normal. */
export const Z95 = 1.6448536269514722;

export interface LogNormalParams {
  readonly mu: number;
  readonly sigma: number;
}

/**
 * A log-normal given by its 5th and 95th percentiles (the paper's parameterisation):
 * sigma = (ln hi - ln lo) / (2 z95), mu = ln lo + z95 sigma, so the median is sqrt(lo hi).
 */
export function lognormalFromP5P95(p5: number, p95: number): LogNormalParams {
  if (!(p5 > 0) || !(p95 >= p5)) throw new RangeError(`invalid log-normal percentiles: need 0 < p5 <= p95, got p5=${p5}, p95=${p95}`);
  const sigma = (Math.log(p95) - Math.log(p5)) / (2 * Z95);
  return { mu: Math.log(p5) + Z95 * sigma, sigma };
}

export function lognormalMedian(p: LogNormalParams): number {
  return Math.exp(p.mu);
}

export function lognormalMean(p: LogNormalParams): number {
  return Math.exp(p.mu + (p.sigma * p.sigma) / 2);
}

/** A sampler of the log-normal with P5 = p5 and P95 = p95, drawing from rng. */
export function lognormalSampler(rng: Rng, p5: number, p95: number): () => number {
  const { mu, sigma } = lognormalFromP5P95(p5, p95);
  if (sigma === 0) return () => p5;
  return randomLogNormal.source(rng)(mu, sigma);
}
