import { lengthSampler, type LengthSpec } from "../../models/lengths.ts";
import { makeRng } from "../../models/rng.ts";
import { queryWorkNodeS } from "../../models/work.ts";
import { diurnalMax } from "../../models/diurnal.ts";
import { sizePhysicalPool, type PhysicalSizing } from "./physical-sizing.ts";
import type { Pool, Scenario } from "../scenario/types.ts";

export interface PoolSizing {
  readonly pool: string;
  /** Mean work per query routed to the pool, node-seconds at full batch (levers applied). */
  readonly meanWorkNodeS: number;
  /** Queries per second the pool receives at the peak of the diurnal cycle. */
  readonly peakRatePerS: number;
  /** Nodes that serve the peak with every node at speed h = targetUtilization. */
  readonly nodes: number;
  /** A pool on the physical node: its full batch B* (KV memory and max_batch), decode step and prefill. */
  readonly physical?: PhysicalSizing;
}

/**
 * How an operator sizes a fixed fleet: enough nodes that at the peak hour the offered work is
 * `targetUtilization` of what the nodes deliver at full batch: nodes = ceil(peak rate x E[W] / target).
 * E[W] is estimated from `samples` draws of the scenario's own length distributions.
 */
export function sizePools(s: Scenario, targetUtilization: number, samples = 200_000): PoolSizing[] {
  const peakRate = (s.workload.queriesPerDay / 86_400) * diurnalMax(s.workload.diurnal);
  return s.pools.map((pool) => {
    const nodesFor = (peakRatePerS: number, meanWorkNodeS: number) => Math.max(1, Math.ceil((peakRatePerS * meanWorkNodeS) / targetUtilization));
    if (pool.physical) {
      // the node model's capacity at its memory-limited full batch (sim/fleet/physical-sizing.ts); the levers divide work as for every pool
      const share = poolShare(s, pool);
      const physical = sizePhysicalPool(pool.physical, pool.maxBatch, s.workload.classes, pool.classShares);
      const meanWorkNodeS = physical.nodeSPerQuery / (s.efficiency.model * s.efficiency.serving);
      const peakRatePerS = peakRate * share;
      return { pool: pool.name, meanWorkNodeS, peakRatePerS, nodes: nodesFor(peakRatePerS, meanWorkNodeS), physical };
    }
    const { share, work } = offered(s, pool, samples);
    const meanWorkNodeS = share > 0 ? work / share : 0;
    const peakRatePerS = peakRate * share;
    return { pool: pool.name, meanWorkNodeS, peakRatePerS, nodes: nodesFor(peakRatePerS, meanWorkNodeS) };
  });
}

/** The pool's share of all queries. */
function poolShare(s: Scenario, pool: Pool): number {
  return s.workload.classes.reduce((sum, c) => sum + c.share * (pool.classShares[c.name] ?? 0), 0);
}

/** Work offered to a pool at the mean rate, node-seconds at full batch per second (no diurnal factor). */
export function poolDemand(s: Scenario, pool: Pool, samples = 50_000): number {
  return (s.workload.queriesPerDay / 86_400) * offered(s, pool, samples).work;
}

/** The pool's share of all queries, and its work per query of the whole workload (node-seconds). */
function offered(s: Scenario, pool: Pool, samples: number): { share: number; work: number } {
  let share = 0;
  let work = 0;
  for (const c of s.workload.classes) {
    const classShare = c.share * (pool.classShares[c.name] ?? 0);
    if (classShare === 0) continue;
    share += classShare;
    work += classShare * meanWork(pool, s, c.inputTokens, c.outputTokens, samples);
  }
  return { share, work };
}

function meanWork(pool: Pool, s: Scenario, input: LengthSpec, output: LengthSpec, samples: number): number {
  const drawIn = lengthSampler(input, makeRng(s.seed, "sizing/input"));
  const drawOut = lengthSampler(output, makeRng(s.seed, "sizing/output"));
  const scale = 1 / (s.efficiency.model * s.efficiency.serving * pool.hardware.tpsMultiplier);
  let sum = 0;
  for (let i = 0; i < samples; i++) sum += queryWorkNodeS(pool.tps, drawIn(), drawOut(), scale);
  return sum / samples;
}
