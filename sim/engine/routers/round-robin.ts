import type { PoolRuntime } from "../fleet-state.ts";

/** The pool's nodes in turn, whatever their load. */
export function roundRobin(p: PoolRuntime): number {
  const node = p.first + p.rr;
  p.rr = p.rr + 1 === p.count ? 0 : p.rr + 1;
  return node;
}
