import { makeRng } from "../../models/rng.ts";

/**
 * n points of a Latin hypercube in [0, 1)^dims (McKay, Beckman and Conover 1979): each dimension is
 * cut into n equal strata and every stratum holds exactly one point, at a uniform place inside it.
 * Dimension d draws from its own stream, so adding a dimension leaves the others' values alone.
 */
export function latinHypercube(n: number, dims: number, seed: number): number[][] {
  const points = Array.from({ length: n }, () => new Array<number>(dims).fill(0));
  for (let d = 0; d < dims; d++) {
    const rng = makeRng(seed, `sweep-lhs/${d}`);
    const strata = Array.from({ length: n }, (_, i) => i);
    // Fisher-Yates: a uniform permutation of the strata over the points
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [strata[i], strata[j]] = [strata[j], strata[i]];
    }
    for (let i = 0; i < n; i++) points[i][d] = (strata[i] + rng()) / n;
  }
  return points;
}
