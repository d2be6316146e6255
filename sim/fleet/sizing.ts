import { lengthSampler } from "../../models/lengths.ts";
import { makeRng } from "../../models/rng.ts";
import { predictTps } from "../../models/throughput.ts";
import { diurnalMax } from "../arrivals/diurnal.ts";
import type { Pool, Scenario } from "../scenario/types.ts";

export interface PoolSizing {
  readonly pool: string;
  /** Mean work per query routed to the pool, node-seconds at full batch (levers applied). */
  readonly meanWorkNodeS: number;
  /** Queries per second the pool receives at the peak of the diurnal cycle. */
  readonly peakRatePerS: number;
  /** Nodes that serve the peak with every node at speed h = targetUtilization. */
  readonly nodes: number;
}

/**
 * How an operator sizes a fixed fleet: enough nodes that at the peak hour the offered work is
 * `targetUtilization` of what the nodes deliver at full batch: nodes = ceil(peak rate x E[W] / target).
 * E[W] is estimated from `samples` draws of the scenario's own length distributions.
 */
export function sizePools(s: Scenario, targetUtilization: number, samples = 200_000): PoolSizing[] {
  const peakRate = (s.workload.queriesPerDay / 86_400) * diurnalMax(s.workload.diurnal);
  return s.pools.map((pool) => {
    let rate = 0;
    let work = 0;
    for (const c of s.workload.classes) {
      const share = c.share * (pool.classShares[c.name] ?? 0);
      if (share === 0) continue;
      rate += share;
      work += share * meanWork(pool, s, c.inputTokens, c.outputTokens, samples);
    }
    const meanWorkNodeS = rate > 0 ? work / rate : 0;
    const peakRatePerS = peakRate * rate;
    return { pool: pool.name, meanWorkNodeS, peakRatePerS, nodes: Math.max(1, Math.ceil((peakRatePerS * meanWorkNodeS) / targetUtilization)) };
  });
}

/** Work offered to a pool at the mean rate, node-seconds at full batch per second (no diurnal factor). */
export function poolDemand(s: Scenario, pool: Pool, samples = 50_000): number {
  let work = 0;
  for (const c of s.workload.classes) {
    const share = c.share * (pool.classShares[c.name] ?? 0);
    if (share > 0) work += share * meanWork(pool, s, c.inputTokens, c.outputTokens, samples);
  }
  return (s.workload.queriesPerDay / 86_400) * work;
}

function meanWork(pool: Pool, s: Scenario, input: Scenario["workload"]["classes"][number]["inputTokens"], output: typeof input, samples: number): number {
  const drawIn = lengthSampler(input, makeRng(s.seed, "sizing/input"));
  const drawOut = lengthSampler(output, makeRng(s.seed, "sizing/output"));
  const scale = 1 / (s.efficiency.model * s.efficiency.serving * pool.hardware.tpsMultiplier);
  let sum = 0;
  for (let i = 0; i < samples; i++) {
    const li = drawIn();
    const lo = drawOut();
    if (lo > 0) sum += (lo / predictTps(pool.tps, li, lo)) * scale;
  }
  return sum / samples;
}
