import type { PoolRuntime } from "../fleet-state.ts";
import * as RECORD from "../node-record.ts";

// Module-level copies: an imported binding is a load from its module cell in the event loop, a local const folds.
const { ACTIVE, NI } = RECORD;

/** Power of two choices: two nodes drawn at random, the one with fewer active queries (the first on a tie). */
export function powerOfTwo(p: PoolRuntime, ni: Int32Array): number {
  const a = p.first + Math.floor(p.rng() * p.count);
  const b = p.first + Math.floor(p.rng() * p.count);
  return ni[NI * b + ACTIVE] < ni[NI * a + ACTIVE] ? b : a;
}
