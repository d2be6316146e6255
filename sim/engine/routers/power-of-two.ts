import type { PoolRuntime } from "../fleet-state.ts";
import { ACTIVE, NI } from "../node-record.ts";

/** Power of two choices: two nodes drawn at random, the one with fewer active queries (the first on a tie). */
export function powerOfTwo(p: PoolRuntime, ni: Int32Array): number {
  const a = p.first + Math.floor(p.rng() * p.count);
  const b = p.first + Math.floor(p.rng() * p.count);
  return ni[NI * b + ACTIVE] < ni[NI * a + ACTIVE] ? b : a;
}
