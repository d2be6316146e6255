import type { RouterKind } from "../../scenario/types.ts";
import type { PoolRuntime } from "../fleet-state.ts";
import * as RECORD from "../node-record.ts";
import { leastLoaded } from "./least-loaded.ts";
import { powerOfTwo } from "./power-of-two.ts";
import { randomNode } from "./random.ts";
import { roundRobin } from "./round-robin.ts";

// Module-level copies: an imported binding is a load from its module cell in the event loop, a local const folds.
const { ACTIVE, NI, ON, STATE } = RECORD;

// A pool's router, as a small integer the event loop switches on (one monomorphic call site).
export const LEAST_LOADED = 0;
export const POWER_OF_TWO = 1;
export const ROUND_ROBIN = 2;
export const RANDOM = 3;

const CODES: Record<RouterKind, number> = { "least-loaded": LEAST_LOADED, "power-of-two": POWER_OF_TWO, "round-robin": ROUND_ROBIN, random: RANDOM };

export function routerCode(kind: RouterKind): number {
  return CODES[kind];
}

/**
 * The node of pool p a new query goes to, or -1 when every node is at max_batch (the query waits in
 * the pool's queue). A router other than least-loaded proposes a node; when that node is full or not
 * serving, the query goes to the least-loaded node instead, as a server's admission would retry.
 */
export function route(p: PoolRuntime, ni: Int32Array): number {
  if (p.router !== LEAST_LOADED) {
    const node = p.router === POWER_OF_TWO ? powerOfTwo(p, ni) : p.router === ROUND_ROBIN ? roundRobin(p) : randomNode(p);
    if (ni[NI * node + ACTIVE] < p.maxBatch && ni[NI * node + STATE] === ON) return node;
  }
  return leastLoaded(p);
}
