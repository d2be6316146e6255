import type { PoolRuntime } from "../fleet-state.ts";

/** Join the shortest queue: the serving node with the fewest active queries (sim/fleet/load-index.ts, O(1)); -1 when all are full. */
export function leastLoaded(p: PoolRuntime): number {
  return p.index.leastLoaded();
}
