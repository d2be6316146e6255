import type { PoolRuntime } from "../fleet-state.ts";

/** A node of the pool drawn uniformly at random. */
export function randomNode(p: PoolRuntime): number {
  return p.first + Math.floor(p.rng() * p.count);
}
