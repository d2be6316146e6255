import type { Autoscale } from "../scenario/types.ts";

/**
 * The autoscaler's rule: nodes to keep serving for a demand of `demandNodeS` node-seconds of work (at
 * full batch) per second = demand / target utilization x (1 + reserve), rounded up, within [min, max].
 * The node lifecycle (sim/engine/node-lifecycle.ts) carries it out; the fleet starts at it too.
 */
export function autoscaleTarget(a: Autoscale, demandNodeS: number): number {
  return Math.min(a.max, Math.max(a.min, Math.ceil((demandNodeS / a.targetUtilization) * (1 + a.reserve))));
}
